/**
 * Lake Formation collector (producers and the governance account): grants, settings, LF-Tags and
 * the LF-Tags on each table of the account's Glue catalog.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import {
  GetDataLakeSettingsCommand,
  GetResourceLFTagsCommand,
  LakeFormationClient,
  type ListPermissionsCommandInput,
  paginateListLFTags,
  paginateListPermissions,
} from '@aws-sdk/client-lakeformation';
import { sourceAccounts } from '../aws/accounts.js';
import { type ApiCollectorDependencies, type CollectedRow, defineApiCollector, type ScopeContext } from '../aws/api-collector.js';
import type { DatasetRow } from '../aws/dataset-writer.js';
import { boundedPages } from '../aws/paging.js';
import { glueCatalogTables } from '../glue/fetch.js';
import type { SourceCollector } from '../source.js';
import { lfPermissionsDataset, lfResourceTagsDataset, lfSettingsDataset, lfTagsDataset } from './datasets.js';
import { permissionRow, resourceTagRows, settingsRow, type TableRef, tagRow } from './rows.js';

async function* collectScope(scope: ScopeContext): AsyncGenerator<CollectedRow> {
  const lakeFormation = scope.client(LakeFormationClient);
  for (const row of await allPermissionRows(lakeFormation, scope)) yield { dataset: lfPermissionsDataset, row };
  const settings = await lakeFormation.send(new GetDataLakeSettingsCommand({}));
  yield { dataset: lfSettingsDataset, row: settingsRow(settings.DataLakeSettings) };
  for await (const page of boundedPages('ListLFTags', paginateListLFTags({ client: lakeFormation }, {}), scope.paging)) {
    for (const tag of page.LFTags ?? []) yield { dataset: lfTagsDataset, row: tagRow(tag) };
  }
  const seenDatabaseTags = new Set<string>();
  for (const table of await catalogTables(scope)) {
    const answer = await lakeFormation.send(
      new GetResourceLFTagsCommand({
        Resource: { Table: { CatalogId: table.catalogId, DatabaseName: table.databaseName, Name: table.tableName } },
      }),
    );
    for (const row of resourceTagRows(table, answer)) {
      if (row.level === 'database') {
        const key = `${row.catalog_id}|${row.database_name}|${row.tag_key}`;
        if (seenDatabaseTags.has(key)) continue;
        seenDatabaseTags.add(key);
      }
      yield { dataset: lfResourceTagsDataset, row };
    }
  }
}

/**
 * A listing without a resource type leaves out grants on LF-Tags (the Lake Formation guide lists
 * them with `--resource-type LF_TAG`), so the tag types are listed too and the passes de-duplicated.
 */
const TYPED_PASSES = ['LF_TAG', 'LF_TAG_POLICY'] as const;

async function allPermissionRows(client: LakeFormationClient, scope: ScopeContext): Promise<DatasetRow[]> {
  const rows = new Map<string, DatasetRow>();
  const collect = async (input: ListPermissionsCommandInput) => {
    for await (const page of boundedPages('ListPermissions', paginateListPermissions({ client }, input), scope.paging)) {
      for (const grant of page.PrincipalResourcePermissions ?? []) {
        const row = permissionRow(grant);
        rows.set(grantKey(row), row);
      }
    }
  };
  await collect({});
  for (const resourceType of TYPED_PASSES) {
    try {
      await collect({ ResourceType: resourceType });
    } catch (error) {
      // An account or partition that does not support the typed listing still has its other grants.
      if ((error as { name?: string }).name !== 'InvalidInputException') throw error;
      scope.note(
        `lakeformation: ${scope.scope.account} ${scope.scope.region} refused ListPermissions ResourceType=${resourceType}`,
      );
    }
  }
  return [...rows.values()];
}

function grantKey(row: DatasetRow): string {
  return JSON.stringify([row.principal, row.resource, row.permissions, row.permissions_with_grant_option, row.condition]);
}

/** Tables of the account's own catalog; resource links carry no LF-Tags of their own. */
async function catalogTables(scope: ScopeContext): Promise<TableRef[]> {
  const glue = scope.client(GlueClient);
  const tables: TableRef[] = [];
  for await (const { database, table } of glueCatalogTables(glue, scope.paging)) {
    if (database.TargetDatabase || table.TargetTable || !database.Name || !table.Name) continue;
    tables.push({
      catalogId: table.CatalogId ?? database.CatalogId ?? scope.scope.account,
      databaseName: database.Name,
      tableName: table.Name,
    });
  }
  return tables;
}

export function createLakeFormationCollector(dependencies: ApiCollectorDependencies = {}): SourceCollector {
  return defineApiCollector(
    {
      name: 'lakeformation',
      description: 'Lake Formation grants, settings and LF-Tags of producer and governance accounts',
      datasets: [lfPermissionsDataset, lfSettingsDataset, lfTagsDataset, lfResourceTagsDataset].map((spec) => ({
        spec,
        meta: 'scope-snapshot' as const,
      })),
      accounts: (config) => sourceAccounts(config, config.sources.lakeformation?.accounts, ['producer', 'governance']),
      regions: (config) => config.regions,
      collectScope,
    },
    dependencies,
  );
}

export const lakeFormationCollector = createLakeFormationCollector();

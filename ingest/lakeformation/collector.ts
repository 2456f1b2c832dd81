/**
 * Lake Formation collector (producers and the governance account): grants, settings, LF-Tags and
 * the LF-Tags on each table of the account's Glue catalog.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import {
  GetDataLakeSettingsCommand,
  GetResourceLFTagsCommand,
  LakeFormationClient,
  paginateListLFTags,
  paginateListPermissions,
} from '@aws-sdk/client-lakeformation';
import { sourceAccounts } from '../aws/accounts.js';
import { type ApiCollectorDependencies, type ScopeContext, defineApiCollector } from '../aws/api-collector.js';
import type { SourceCollector } from '../source.js';
import { glueCatalogTables } from '../glue/fetch.js';
import { lfPermissionsDataset, lfResourceTagsDataset, lfSettingsDataset, lfTagsDataset } from './datasets.js';
import { type TableRef, permissionRow, resourceTagRows, settingsRow, tagRow } from './rows.js';

async function collectScope(scope: ScopeContext): Promise<void> {
  const lakeFormation = scope.client(LakeFormationClient);
  for await (const page of paginateListPermissions({ client: lakeFormation }, {})) {
    for (const grant of page.PrincipalResourcePermissions ?? []) scope.emit(lfPermissionsDataset.name, permissionRow(grant));
  }
  const settings = await lakeFormation.send(new GetDataLakeSettingsCommand({}));
  scope.emit(lfSettingsDataset.name, settingsRow(settings.DataLakeSettings));
  for await (const page of paginateListLFTags({ client: lakeFormation }, {})) {
    for (const tag of page.LFTags ?? []) scope.emit(lfTagsDataset.name, tagRow(tag));
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
      scope.emit(lfResourceTagsDataset.name, row);
    }
  }
}

/** Tables of the account's own catalog; resource links carry no LF-Tags of their own. */
async function catalogTables(scope: ScopeContext): Promise<TableRef[]> {
  const glue = scope.client(GlueClient);
  const tables: TableRef[] = [];
  for await (const { database, table } of glueCatalogTables(glue)) {
    if (database.TargetDatabase || table.TargetTable || !database.Name || !table.Name) continue;
    tables.push({ catalogId: table.CatalogId ?? database.CatalogId ?? scope.scope.account, databaseName: database.Name, tableName: table.Name });
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

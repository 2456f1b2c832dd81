/**
 * Lake Formation snapshots at `now`: ListPermissions (every resource type), GetDataLakeSettings,
 * ListLFTags and GetResourceLFTags per table, in the API's PascalCase with epoch-second timestamps.
 */
import { type ActualGrant, actualGrants, type LfResource, SETTINGS_CHANGE } from '../grants.js';
import { accountById, GOVERNANCE, PRIMARY_REGION, PRODUCTS } from '../org.js';
import { columnTags, TAG_VALUES, tableTagsAt } from '../plan/tags.js';
import { epochSeconds } from '../time.js';
import type { SnapshotWriter } from './snapshot-writer.js';

export function apiResource(resource: LfResource, catalogId: string): Record<string, unknown> {
  switch (resource.type) {
    case 'database':
      return { Database: { CatalogId: catalogId, Name: resource.db } };
    case 'table':
      return { Table: { CatalogId: catalogId, DatabaseName: resource.db, Name: resource.table } };
    case 'tableWildcard':
      return { Table: { CatalogId: catalogId, DatabaseName: resource.db, TableWildcard: {} } };
    case 'columns':
      return {
        TableWithColumns: {
          CatalogId: catalogId,
          DatabaseName: resource.db,
          Name: resource.table,
          ColumnNames: [...resource.columns],
        },
      };
    case 'dataLocation':
      return { DataLocation: { CatalogId: catalogId, ResourceArn: resource.arn } };
    case 'lftag':
      return { LFTag: { CatalogId: catalogId, TagKey: resource.key, TagValues: [...resource.values] } };
    case 'lftagPolicy':
      return {
        LFTagPolicy: {
          CatalogId: catalogId,
          ResourceType: resource.resourceType,
          Expression: resource.expression.map((condition) => ({ TagKey: condition.key, TagValues: [...condition.values] })),
        },
      };
  }
}

function permissionRow(grant: ActualGrant): Record<string, unknown> {
  const crossAccount = /^\d{12}$/.test(grant.principal) && grant.principal !== grant.accountId;
  return {
    Principal: { DataLakePrincipalIdentifier: grant.principal },
    Resource: apiResource(grant.resource, grant.accountId),
    Permissions: [...grant.permissions],
    PermissionsWithGrantOption: [...grant.grantable],
    ...(crossAccount
      ? {
          AdditionalDetails: {
            ResourceShare: [
              `arn:aws:ram:${PRIMARY_REGION}:${grant.accountId}:resource-share/${shareId(grant.accountId, grant.principal)}`,
            ],
          },
        }
      : {}),
    LastUpdated: epochSeconds(Date.parse(grant.lastUpdated)),
    LastUpdatedBy: grant.lastUpdatedBy,
  };
}

function shareId(owner: string, consumer: string): string {
  const digits = `${owner}${consumer}`.split('').reverse().join('');
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(12, 15)}-8${digits.slice(15, 18)}-${digits.slice(18, 24).padEnd(12, '0')}`;
}

function lfAccounts(): string[] {
  return [GOVERNANCE, ...new Set(PRODUCTS.map((product) => product.accountId))];
}

export function writeLakeFormation(writer: SnapshotWriter, nowMs: number): void {
  const grants = actualGrants();
  for (const accountId of lfAccounts()) {
    const meta = { service: 'lakeformation', account: accountId, region: PRIMARY_REGION };
    const rows = grants.filter((grant) => grant.accountId === accountId).map(permissionRow);
    writer.paged({ ...meta, operation: 'ListPermissions', request: {} }, 'PrincipalResourcePermissions', rows, 4);
    const reEnabled = accountId === SETTINGS_CHANGE.accountId;
    writer.pages({ ...meta, operation: 'GetDataLakeSettings', request: {} }, [
      {
        DataLakeSettings: {
          DataLakeAdmins: [{ DataLakePrincipalIdentifier: `arn:aws:iam::${accountId}:role/lf-terraform-apply` }],
          ReadOnlyAdmins: [{ DataLakePrincipalIdentifier: `arn:aws:iam::${accountId}:role/MeshwatchReadOnly` }],
          CreateDatabaseDefaultPermissions: [],
          CreateTableDefaultPermissions: reEnabled
            ? [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }]
            : [],
          Parameters: { CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'TRUE' },
          TrustedResourceOwners: [],
          AllowExternalDataFiltering: false,
          AllowFullTableExternalDataAccess: false,
          ExternalDataFilteringAllowList: [],
          AuthorizedSessionTagValueList: [],
        },
      },
    ]);
    const tags = Object.entries(TAG_VALUES).map(([key, values]) => ({
      CatalogId: accountId,
      TagKey: key,
      TagValues: [...values],
    }));
    writer.paged(
      { ...meta, operation: 'ListLFTags', request: {} },
      'LFTags',
      accountId === GOVERNANCE ? tags.filter((tag) => tag.TagKey === 'sensitivity') : tags,
      50,
    );
    for (const product of PRODUCTS.filter((candidate) => candidate.accountId === accountId)) {
      const resource = { Table: { CatalogId: accountId, DatabaseName: product.database, Name: product.table } };
      const tableTags = Object.entries(tableTagsAt(product, nowMs)).map(([key, value]) => ({
        CatalogId: accountId,
        TagKey: key,
        TagValues: [value],
      }));
      writer.pages(
        {
          ...meta,
          operation: 'GetResourceLFTags',
          request: { Resource: resource },
          discriminator: `${product.database}.${product.table}`,
        },
        [
          {
            LFTagsOnTable: tableTags,
            LFTagsOnColumns: product.columns.map((column) => {
              const override = columnTags(product).find((entry) => entry.column === column.name);
              const merged = { ...tableTagsAt(product, nowMs), ...(override?.tags ?? {}) };
              return {
                Name: column.name,
                LFTags: Object.entries(merged).map(([key, value]) => ({ CatalogId: accountId, TagKey: key, TagValues: [value] })),
              };
            }),
          },
        ],
      );
    }
  }
  void accountById;
}

/** Flattens Lake Formation API shapes into the declared columns (no interpretation: that is the models' job). */
import type {
  DataLakeSettings,
  GetResourceLFTagsCommandOutput,
  LFTagPair,
  PrincipalResourcePermissions,
  Resource,
} from '@aws-sdk/client-lakeformation';
import type { DatasetRow } from '../aws/dataset-writer.js';

const RESOURCE_TYPES: Record<string, string> = {
  Catalog: 'CATALOG',
  Database: 'DATABASE',
  Table: 'TABLE',
  TableWithColumns: 'TABLE_WITH_COLUMNS',
  DataLocation: 'DATA_LOCATION',
  DataCellsFilter: 'DATA_CELLS_FILTER',
  LFTag: 'LF_TAG',
  LFTagPolicy: 'LF_TAG_POLICY',
  LFTagExpression: 'LF_TAG_EXPRESSION',
};

export function resourceType(resource: Resource | undefined): string | null {
  const key = Object.keys(resource ?? {}).find((name) => (resource as Record<string, unknown>)[name] !== undefined);
  if (!key) return null;
  return RESOURCE_TYPES[key] ?? key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function permissionRow(grant: PrincipalResourcePermissions): DatasetRow {
  const resource = grant.Resource ?? {};
  const table = resource.Table;
  const columns = resource.TableWithColumns;
  const cells = resource.DataCellsFilter;
  const catalogId =
    resource.Catalog?.Id ??
    resource.Database?.CatalogId ??
    table?.CatalogId ??
    columns?.CatalogId ??
    resource.DataLocation?.CatalogId ??
    cells?.TableCatalogId ??
    resource.LFTag?.CatalogId ??
    resource.LFTagPolicy?.CatalogId ??
    null;
  return {
    principal: grant.Principal?.DataLakePrincipalIdentifier ?? null,
    resource_type: resourceType(resource),
    catalog_id: catalogId,
    database_name: resource.Database?.Name ?? table?.DatabaseName ?? columns?.DatabaseName ?? cells?.DatabaseName ?? null,
    table_name: table ? (table.TableWildcard ? '*' : (table.Name ?? null)) : (columns?.Name ?? cells?.TableName ?? null),
    column_names: columns?.ColumnNames ?? null,
    excluded_column_names: columns?.ColumnWildcard?.ExcludedColumnNames ?? null,
    column_wildcard: columns ? columns.ColumnWildcard !== undefined : null,
    data_location_arn: resource.DataLocation?.ResourceArn ?? null,
    lf_tag_key: resource.LFTag?.TagKey ?? null,
    lf_tag_values: resource.LFTag?.TagValues ?? null,
    lf_tag_policy_resource_type: resource.LFTagPolicy?.ResourceType ?? null,
    lf_tag_expression: resource.LFTagPolicy?.Expression ?? null,
    data_cells_filter_name: cells?.Name ?? null,
    permissions: grant.Permissions ?? [],
    permissions_with_grant_option: grant.PermissionsWithGrantOption ?? [],
    condition: grant.Condition ?? null,
    resource,
    last_updated: grant.LastUpdated ?? null,
    last_updated_by: grant.LastUpdatedBy ?? null,
    resource_share: grant.AdditionalDetails?.ResourceShare ?? null,
  };
}

export function settingsRow(settings: DataLakeSettings | undefined): DatasetRow {
  return {
    data_lake_admins: settings?.DataLakeAdmins ?? [],
    create_database_default_permissions: settings?.CreateDatabaseDefaultPermissions ?? [],
    create_table_default_permissions: settings?.CreateTableDefaultPermissions ?? [],
    trusted_resource_owners: settings?.TrustedResourceOwners ?? [],
    allow_external_data_filtering: settings?.AllowExternalDataFiltering ?? null,
    settings: settings ?? {},
  };
}

export function tagRow(tag: LFTagPair): DatasetRow {
  return { catalog_id: tag.CatalogId ?? null, tag_key: tag.TagKey ?? null, tag_values: tag.TagValues ?? [] };
}

export interface TableRef {
  readonly catalogId: string;
  readonly databaseName: string;
  readonly tableName: string;
}

/** Database-level tags come back with every table of the database: the caller de-duplicates them. */
export function resourceTagRows(
  table: TableRef,
  answer: Pick<GetResourceLFTagsCommandOutput, 'LFTagOnDatabase' | 'LFTagsOnTable' | 'LFTagsOnColumns'>,
): DatasetRow[] {
  const base = { database_name: table.databaseName };
  const rows: DatasetRow[] = [];
  for (const tag of answer.LFTagOnDatabase ?? []) {
    rows.push({
      ...base,
      catalog_id: tag.CatalogId ?? table.catalogId,
      table_name: null,
      column_name: null,
      level: 'database',
      tag_key: tag.TagKey,
      tag_values: tag.TagValues ?? [],
    });
  }
  for (const tag of answer.LFTagsOnTable ?? []) {
    rows.push({
      ...base,
      catalog_id: tag.CatalogId ?? table.catalogId,
      table_name: table.tableName,
      column_name: null,
      level: 'table',
      tag_key: tag.TagKey,
      tag_values: tag.TagValues ?? [],
    });
  }
  for (const column of answer.LFTagsOnColumns ?? []) {
    for (const tag of column.LFTags ?? []) {
      rows.push({
        ...base,
        catalog_id: tag.CatalogId ?? table.catalogId,
        table_name: table.tableName,
        column_name: column.Name ?? null,
        level: 'column',
        tag_key: tag.TagKey,
        tag_values: tag.TagValues ?? [],
      });
    }
  }
  return rows;
}

/** The Lake Formation datasets, declared once (columns, partitions); see ingest/aws/dataset-spec.ts. */
import { defineDataset } from '../aws/dataset-spec.js';
import { SCOPE_SNAPSHOT_PARTITIONS, scopeSnapshotColumns } from '../aws/meta-columns.js';

const snapshot = { kind: 'snapshot' } as const;

export const lfPermissionsDataset = defineDataset({
  name: 'lf_permissions',
  description: 'Lake Formation ListPermissions: every explicit grant of the account, one row per principal × resource.',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: snapshot,
  columns: scopeSnapshotColumns([
    {
      name: 'principal',
      type: 'VARCHAR',
      description: 'Principal.DataLakePrincipalIdentifier (ARN, account id, IAM_ALLOWED_PRINCIPALS...)',
    },
    {
      name: 'resource_type',
      type: 'VARCHAR',
      description: 'CATALOG, DATABASE, TABLE, TABLE_WITH_COLUMNS, DATA_LOCATION, DATA_CELLS_FILTER, LF_TAG, LF_TAG_POLICY',
    },
    { name: 'catalog_id', type: 'VARCHAR', description: 'the catalog (account) of the resource' },
    { name: 'database_name', type: 'VARCHAR', description: 'database of a database/table/column/cells-filter resource' },
    { name: 'table_name', type: 'VARCHAR', description: 'table name; `*` for TableWildcard' },
    { name: 'column_names', type: 'VARCHAR[]', description: 'TableWithColumns.ColumnNames' },
    { name: 'excluded_column_names', type: 'VARCHAR[]', description: 'TableWithColumns.ColumnWildcard.ExcludedColumnNames' },
    {
      name: 'column_wildcard',
      type: 'BOOLEAN',
      description: 'TableWithColumns with ColumnWildcard (all columns, maybe some excluded)',
    },
    { name: 'data_location_arn', type: 'VARCHAR', description: 'DataLocation.ResourceArn' },
    { name: 'lf_tag_key', type: 'VARCHAR', description: 'LFTag.TagKey' },
    { name: 'lf_tag_values', type: 'VARCHAR[]', description: 'LFTag.TagValues' },
    { name: 'lf_tag_policy_resource_type', type: 'VARCHAR', description: 'LFTagPolicy.ResourceType (DATABASE or TABLE)' },
    { name: 'lf_tag_expression', type: 'JSON', description: 'LFTagPolicy.Expression: [{TagKey, TagValues}]' },
    { name: 'data_cells_filter_name', type: 'VARCHAR', description: 'DataCellsFilter.Name' },
    { name: 'permissions', type: 'VARCHAR[]', description: 'Permissions (SELECT, DESCRIBE, ALL...)' },
    { name: 'permissions_with_grant_option', type: 'VARCHAR[]', description: 'PermissionsWithGrantOption' },
    { name: 'condition', type: 'JSON', description: 'Condition ({Expression}) when the grant has one' },
    { name: 'resource', type: 'JSON', description: 'the Resource exactly as returned' },
    { name: 'last_updated', type: 'TIMESTAMP', description: 'LastUpdated' },
    { name: 'last_updated_by', type: 'VARCHAR', description: 'LastUpdatedBy' },
    { name: 'resource_share', type: 'JSON', description: 'AdditionalDetails.ResourceShare (RAM shares of cross-account grants)' },
  ]),
});

export const lfSettingsDataset = defineDataset({
  name: 'lf_settings',
  description: 'Lake Formation GetDataLakeSettings: admins and the default permissions of new databases and tables.',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: snapshot,
  columns: scopeSnapshotColumns([
    { name: 'data_lake_admins', type: 'JSON', description: 'DataLakeAdmins' },
    {
      name: 'create_database_default_permissions',
      type: 'JSON',
      description: 'CreateDatabaseDefaultPermissions; IAM_ALLOWED_PRINCIPALS here means IAM-only access',
    },
    { name: 'create_table_default_permissions', type: 'JSON', description: 'CreateTableDefaultPermissions' },
    { name: 'trusted_resource_owners', type: 'JSON', description: 'TrustedResourceOwners' },
    { name: 'allow_external_data_filtering', type: 'BOOLEAN', description: 'AllowExternalDataFiltering' },
    { name: 'settings', type: 'JSON', description: 'the whole DataLakeSettings as returned' },
  ]),
});

export const lfTagsDataset = defineDataset({
  name: 'lf_tags',
  description: 'Lake Formation ListLFTags: the LF-Tag keys and their allowed values.',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: snapshot,
  columns: scopeSnapshotColumns([
    { name: 'catalog_id', type: 'VARCHAR', description: 'the catalog that owns the tag' },
    { name: 'tag_key', type: 'VARCHAR', description: 'TagKey' },
    { name: 'tag_values', type: 'VARCHAR[]', description: 'TagValues' },
  ]),
});

export const lfResourceTagsDataset = defineDataset({
  name: 'lf_resource_tags',
  description: 'Lake Formation GetResourceLFTags per table: LF-Tags on databases, tables and columns.',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: snapshot,
  columns: scopeSnapshotColumns([
    { name: 'catalog_id', type: 'VARCHAR', description: 'the catalog of the tagged resource' },
    { name: 'database_name', type: 'VARCHAR', description: 'database' },
    { name: 'table_name', type: 'VARCHAR', description: 'table; null for database-level tags' },
    { name: 'column_name', type: 'VARCHAR', description: 'column; null unless level = column' },
    { name: 'level', type: 'VARCHAR', description: 'database, table or column' },
    { name: 'tag_key', type: 'VARCHAR', description: 'TagKey' },
    { name: 'tag_values', type: 'VARCHAR[]', description: 'TagValues' },
  ]),
});

export const lakeFormationDatasets = [lfPermissionsDataset, lfSettingsDataset, lfTagsDataset, lfResourceTagsDataset];

/**
 * Canonical resource strings for Lake Formation grants (transforms/DEFINITIONS.md "Grant drift"),
 * computed from a Terraform `aws_lakeformation_permissions` resource's attributes. The model
 * stg_lf_permissions computes the same strings from ListPermissions rows.
 */

export interface TerraformLfPermissionValues {
  readonly catalog_resource?: boolean | null;
  readonly database?: readonly { name?: string | null }[] | null;
  readonly table?: readonly { database_name?: string | null; name?: string | null; wildcard?: boolean | null }[] | null;
  readonly table_with_columns?:
    | readonly {
        database_name?: string | null;
        name?: string | null;
        column_names?: readonly string[] | null;
        excluded_column_names?: readonly string[] | null;
        wildcard?: boolean | null;
      }[]
    | null;
  readonly data_location?: readonly { arn?: string | null }[] | null;
  readonly lf_tag?: readonly { key?: string | null; values?: readonly string[] | null }[] | null;
  readonly lf_tag_policy?:
    | readonly {
        resource_type?: string | null;
        expression?: readonly { key?: string | null; values?: readonly string[] | null }[] | null;
      }[]
    | null;
}

export interface CanonicalResource {
  readonly resourceType: string;
  readonly resource: string;
  readonly databaseName: string | null;
  readonly tableName: string | null;
}

const sorted = (values: readonly string[] | null | undefined) => [...(values ?? [])].sort();

/** The canonical resource, or a reason why the resource block cannot be understood. */
export function canonicalResource(values: TerraformLfPermissionValues): CanonicalResource | { error: string } {
  const table = values.table?.[0];
  if (table) {
    if (!table.database_name) return { error: 'table block without database_name' };
    const name = table.wildcard ? '*' : table.name;
    if (!name) return { error: 'table block without name or wildcard' };
    return {
      resourceType: 'TABLE',
      resource: `table:${table.database_name}.${name}`,
      databaseName: table.database_name,
      tableName: name,
    };
  }
  const columns = values.table_with_columns?.[0];
  if (columns) {
    if (!columns.database_name || !columns.name) return { error: 'table_with_columns block without database_name or name' };
    const included = sorted(columns.column_names);
    const excluded = sorted(columns.excluded_column_names);
    const list = included.length > 0 ? included.join(',') : excluded.length > 0 ? `* except ${excluded.join(',')}` : '*';
    return {
      resourceType: 'TABLE_WITH_COLUMNS',
      resource: `columns:${columns.database_name}.${columns.name}(${list})`,
      databaseName: columns.database_name,
      tableName: columns.name,
    };
  }
  const database = values.database?.[0];
  if (database) {
    if (!database.name) return { error: 'database block without name' };
    return { resourceType: 'DATABASE', resource: `database:${database.name}`, databaseName: database.name, tableName: null };
  }
  const location = values.data_location?.[0];
  if (location) {
    if (!location.arn) return { error: 'data_location block without arn' };
    return { resourceType: 'DATA_LOCATION', resource: `data-location:${location.arn}`, databaseName: null, tableName: null };
  }
  const tag = values.lf_tag?.[0];
  if (tag) {
    if (!tag.key) return { error: 'lf_tag block without key' };
    return {
      resourceType: 'LF_TAG',
      resource: `lftag:${tag.key}=${sorted(tag.values).join('|')}`,
      databaseName: null,
      tableName: null,
    };
  }
  const policy = values.lf_tag_policy?.[0];
  if (policy) {
    const expression = (policy.expression ?? []).filter((condition) => condition.key);
    if (expression.length === 0) return { error: 'lf_tag_policy block without expression' };
    const conditions = expression.map((condition) => `${condition.key}=${sorted(condition.values).join('|')}`).sort();
    return {
      resourceType: 'LF_TAG_POLICY',
      resource: `lftag-policy:${(policy.resource_type ?? 'TABLE').toUpperCase()}:${conditions.join(';')}`,
      databaseName: null,
      tableName: null,
    };
  }
  if (values.catalog_resource) return { resourceType: 'CATALOG', resource: 'catalog', databaseName: null, tableName: null };
  return {
    error: 'no resource block (catalog_resource, database, table, table_with_columns, data_location, lf_tag, lf_tag_policy)',
  };
}

/**
 * `declared/terraform-show.json`: the declared grants as `terraform show -json` prints them, with the
 * hashicorp/aws provider's `aws_lakeformation_permissions` attribute names.
 */
import { DECLARED_GRANTS, type DeclaredGrant } from './grants.js';

function values(grant: DeclaredGrant): Record<string, unknown> {
  const r = grant.resource;
  return {
    catalog_id: grant.accountId,
    catalog_resource: false,
    data_cells_filter: [],
    data_location: r.type === 'dataLocation' ? [{ arn: r.arn, catalog_id: grant.accountId }] : [],
    database: r.type === 'database' ? [{ catalog_id: grant.accountId, name: r.db }] : [],
    id: String(Math.abs(hash(grant.address))),
    lf_tag: r.type === 'lftag' ? [{ catalog_id: grant.accountId, key: r.key, values: [...r.values] }] : [],
    lf_tag_policy:
      r.type === 'lftagPolicy'
        ? [
            {
              catalog_id: grant.accountId,
              expression: r.expression.map((c) => ({ key: c.key, values: [...c.values] })),
              resource_type: r.resourceType,
            },
          ]
        : [],
    permissions: [...grant.permissions],
    permissions_with_grant_option: [...grant.grantable],
    principal: grant.principal,
    table:
      r.type === 'table'
        ? [{ catalog_id: grant.accountId, database_name: r.db, name: r.table, wildcard: false }]
        : r.type === 'tableWildcard'
          ? [{ catalog_id: grant.accountId, database_name: r.db, name: '', wildcard: true }]
          : [],
    table_with_columns:
      r.type === 'columns'
        ? [
            {
              catalog_id: grant.accountId,
              column_names: [...r.columns],
              database_name: r.db,
              excluded_column_names: [],
              name: r.table,
              wildcard: false,
            },
          ]
        : [],
  };
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (Math.imul(value, 31) + char.charCodeAt(0)) | 0;
  return value;
}

export function terraformShow(): string {
  const document = {
    format_version: '1.0',
    terraform_version: '1.9.7',
    values: {
      root_module: {
        resources: DECLARED_GRANTS.map((grant) => ({
          address: grant.address,
          mode: 'managed',
          type: 'aws_lakeformation_permissions',
          name: grant.address.split('.')[1],
          provider_name: 'registry.terraform.io/hashicorp/aws',
          schema_version: 0,
          values: values(grant),
          sensitive_values: {},
        })),
      },
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

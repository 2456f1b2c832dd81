/**
 * Reads Lake Formation grants declared as code from `terraform show -json` output (state or plan):
 * every `aws_lakeformation_permissions` resource in the root module and its child modules becomes
 * one declared grant with its canonical resource string and Terraform address.
 */
import { z } from 'zod';
import { canonicalResource, type TerraformLfPermissionValues } from './canonical-resource.js';

const stringList = z.array(z.string()).nullish();

const permissionValuesSchema = z.looseObject({
  principal: z.string().min(1),
  permissions: z.array(z.string()).min(1),
  permissions_with_grant_option: stringList,
  catalog_id: z.string().nullish(),
  catalog_resource: z.boolean().nullish(),
  database: z.array(z.looseObject({ name: z.string().nullish(), catalog_id: z.string().nullish() })).nullish(),
  table: z
    .array(
      z.looseObject({
        database_name: z.string().nullish(),
        name: z.string().nullish(),
        wildcard: z.boolean().nullish(),
        catalog_id: z.string().nullish(),
      }),
    )
    .nullish(),
  table_with_columns: z
    .array(
      z.looseObject({
        database_name: z.string().nullish(),
        name: z.string().nullish(),
        column_names: stringList,
        excluded_column_names: stringList,
        wildcard: z.boolean().nullish(),
        catalog_id: z.string().nullish(),
      }),
    )
    .nullish(),
  data_location: z.array(z.looseObject({ arn: z.string().nullish(), catalog_id: z.string().nullish() })).nullish(),
  lf_tag: z.array(z.looseObject({ key: z.string().nullish(), values: stringList, catalog_id: z.string().nullish() })).nullish(),
  lf_tag_policy: z
    .array(
      z.looseObject({
        resource_type: z.string().nullish(),
        expression: z.array(z.looseObject({ key: z.string().nullish(), values: stringList })).nullish(),
        catalog_id: z.string().nullish(),
      }),
    )
    .nullish(),
});

interface TerraformModule {
  readonly resources?: readonly { address?: string; type?: string; mode?: string; values?: unknown }[];
  readonly child_modules?: readonly TerraformModule[];
}

const showSchema = z.looseObject({
  format_version: z.string(),
  values: z.looseObject({ root_module: z.looseObject({}) }).optional(),
  planned_values: z.looseObject({ root_module: z.looseObject({}) }).optional(),
});

/** A type alias (not an interface) so rows pass where plain records are expected. */
export type DeclaredGrant = {
  readonly address: string;
  readonly account_id: string | null;
  readonly principal: string;
  readonly resource_type: string;
  readonly resource: string;
  readonly database_name: string | null;
  readonly table_name: string | null;
  readonly permissions: string[];
  readonly permissions_with_grant_option: string[];
  readonly source_file: string;
};

export interface RejectedResource {
  readonly address: string;
  readonly reason: string;
}

export interface ParsedTerraform {
  readonly grants: DeclaredGrant[];
  readonly rejected: RejectedResource[];
}

/** Throws a plain Error with the reason when the document is not `terraform show -json` output. */
export function parseTerraformShow(document: unknown, sourceFile: string): ParsedTerraform {
  const show = showSchema.safeParse(document);
  if (!show.success) throw new Error('not terraform show -json output (no format_version / values.root_module)');
  const root = (show.data.values?.root_module ?? show.data.planned_values?.root_module) as TerraformModule | undefined;
  if (!root) throw new Error('terraform show -json output without values.root_module or planned_values.root_module');
  const grants: DeclaredGrant[] = [];
  const rejected: RejectedResource[] = [];
  for (const resource of resourcesOf(root)) {
    if (resource.type !== 'aws_lakeformation_permissions' || resource.mode === 'data') continue;
    const address = resource.address ?? '(no address)';
    const values = permissionValuesSchema.safeParse(resource.values);
    if (!values.success) {
      rejected.push({
        address,
        reason: values.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      });
      continue;
    }
    const canonical = canonicalResource(values.data as TerraformLfPermissionValues);
    if ('error' in canonical) {
      rejected.push({ address, reason: canonical.error });
      continue;
    }
    grants.push({
      address,
      account_id: catalogOf(values.data),
      principal: values.data.principal,
      resource_type: canonical.resourceType,
      resource: canonical.resource,
      database_name: canonical.databaseName,
      table_name: canonical.tableName,
      permissions: [...values.data.permissions].sort(),
      permissions_with_grant_option: [...(values.data.permissions_with_grant_option ?? [])].sort(),
      source_file: sourceFile,
    });
  }
  return { grants, rejected };
}

function* resourcesOf(module: TerraformModule): Generator<NonNullable<TerraformModule['resources']>[number]> {
  yield* module.resources ?? [];
  for (const child of module.child_modules ?? []) yield* resourcesOf(child);
}

/** The account whose catalog holds the resource: catalog_id, else the resource block's catalog_id. */
function catalogOf(values: z.infer<typeof permissionValuesSchema>): string | null {
  const blocks = [
    values.database,
    values.table,
    values.table_with_columns,
    values.data_location,
    values.lf_tag,
    values.lf_tag_policy,
  ];
  for (const block of blocks) {
    const catalog = block?.[0]?.catalog_id;
    if (catalog) return catalog;
  }
  return values.catalog_id ?? null;
}

/**
 * The inputs models may read through `{{ source('<name>') }}`: every raw dataset a collector writes
 * and the small config-derived tables the runner loads. Each is declared once with its columns and
 * DuckDB types, so a model always sees the same, correctly typed columns: a dataset that is absent
 * (its source is not configured) becomes an empty table, and a column a collector did not write
 * reads as NULL.
 */

export type SourceColumns = Readonly<Record<string, string>>;

export interface SourceDefinition {
  readonly name: string;
  /** `dataset`: a folder of the lake; `config`: rows the runner derives from the configuration. */
  readonly kind: 'dataset' | 'config';
  readonly columns: SourceColumns;
}

const ts = 'TIMESTAMP';
const text = 'VARCHAR';
const list = 'VARCHAR[]';

const cloudtrailColumns: SourceColumns = {
  event_id: text,
  event_time: ts,
  event_version: text,
  event_source: text,
  event_name: text,
  aws_region: text,
  recipient_account_id: text,
  source_ip: text,
  user_agent: text,
  error_code: text,
  error_message: text,
  read_only: 'BOOLEAN',
  event_type: text,
  management_event: 'BOOLEAN',
  event_category: text,
  shared_event_id: text,
  request_id: text,
  addendum_reason: text,
  principal_type: text,
  principal_arn: text,
  principal_id: text,
  principal_account_id: text,
  principal_user_name: text,
  access_key_id: text,
  session_issuer_type: text,
  session_issuer_arn: text,
  session_issuer_name: text,
  session_name: text,
  session_created_at: ts,
  identity_center_user_id: text,
  identity_store_arn: text,
  invoked_by: text,
  mfa_authenticated: 'BOOLEAN',
  request_parameters: 'JSON',
  response_elements: 'JSON',
  additional_event_data: 'JSON',
  resources: 'JSON',
  service_event_details: 'JSON',
  source_object: text,
  delivered_at: ts,
  event_date: 'DATE',
  account_id: text,
};

export const SOURCES: readonly SourceDefinition[] = [
  { name: 'cloudtrail', kind: 'dataset', columns: cloudtrailColumns },
  {
    name: 'cloudtrail_objects',
    kind: 'dataset',
    columns: {
      object_key: text,
      account_id: text,
      region: text,
      log_date: 'DATE',
      delivered_at: ts,
      size_bytes: 'BIGINT',
      records: 'BIGINT',
      written: 'BIGINT',
      quarantined: 'BIGINT',
      duplicates: 'BIGINT',
      status: text,
      verification: text,
      verification_detail: text,
      ingested_at: ts,
    },
  },
  {
    name: 'lf_permissions',
    kind: 'dataset',
    columns: {
      snapshot_at: ts,
      account_id: text,
      region: text,
      principal: text,
      resource_type: text,
      catalog_id: text,
      database_name: text,
      table_name: text,
      column_names: list,
      excluded_column_names: list,
      column_wildcard: 'BOOLEAN',
      data_location_arn: text,
      lf_tag_key: text,
      lf_tag_values: list,
      lf_tag_policy_resource_type: text,
      lf_tag_expression: 'JSON',
      permissions: list,
      permissions_with_grant_option: list,
      last_updated: ts,
      last_updated_by: text,
    },
  },
  {
    name: 'lf_settings',
    kind: 'dataset',
    columns: {
      snapshot_at: ts,
      account_id: text,
      region: text,
      data_lake_admins: 'JSON',
      create_database_default_permissions: 'JSON',
      create_table_default_permissions: 'JSON',
    },
  },
  {
    name: 'lf_resource_tags',
    kind: 'dataset',
    columns: {
      snapshot_at: ts,
      account_id: text,
      catalog_id: text,
      database_name: text,
      table_name: text,
      column_name: text,
      level: text,
      tag_key: text,
      tag_values: list,
    },
  },
  {
    name: 'glue_tables',
    kind: 'dataset',
    columns: {
      snapshot_at: ts,
      account_id: text,
      region: text,
      database_name: text,
      table_name: text,
      table_type: text,
      create_time: ts,
      update_time: ts,
      storage_location: text,
      partition_keys: list,
      parameters: 'JSON',
      target_table: 'JSON',
    },
  },
  {
    name: 'glue_partitions',
    kind: 'dataset',
    columns: {
      snapshot_at: ts,
      account_id: text,
      region: text,
      database_name: text,
      table_name: text,
      partition_values: list,
      creation_time: ts,
    },
  },
  {
    name: 'athena_queries',
    kind: 'dataset',
    columns: {
      collected_at: ts,
      account_id: text,
      region: text,
      query_id: text,
      workgroup: text,
      state: text,
      statement_type: text,
      query_text: text,
      database: text,
      submitted_at: ts,
      completed_at: ts,
      data_scanned_bytes: 'BIGINT',
      error_type: text,
      error_message: text,
    },
  },
  {
    name: 'cost_daily',
    kind: 'dataset',
    columns: {
      day: 'DATE',
      grouping: text,
      account_id: text,
      service: text,
      tag_key: text,
      tag_value: text,
      unblended_cost_usd: 'DOUBLE',
      amortized_cost_usd: 'DOUBLE',
      currency: text,
      estimated: 'BOOLEAN',
      fetched_at: ts,
    },
  },
  {
    name: 'org_accounts',
    kind: 'dataset',
    columns: { snapshot_at: ts, account_id: text, name: text, status: text, domain: text },
  },
  {
    name: 'declared_grants',
    kind: 'dataset',
    columns: {
      address: text,
      account_id: text,
      principal: text,
      resource_type: text,
      resource: text,
      database_name: text,
      table_name: text,
      permissions: list,
      permissions_with_grant_option: list,
      source_file: text,
    },
  },
  {
    name: 'data_contracts',
    kind: 'dataset',
    columns: {
      product: text,
      table_fqn: text,
      database_name: text,
      table_name: text,
      account_id: text,
      domain: text,
      owner_team: text,
      owner_contact: text,
      sensitivity: text,
      description: text,
      sla_text: text,
      warn_lag_hours: 'DOUBLE',
      max_lag_hours: 'DOUBLE',
      cadence: text,
      partition_key: text,
      source_file: text,
    },
  },
  {
    name: 'config_accounts',
    kind: 'config',
    columns: { account_id: text, account_name: text, domain: text, account_kind: text },
  },
  { name: 'config_regions', kind: 'config', columns: { region: text } },
];

export function sourceDefinition(name: string): SourceDefinition | undefined {
  return SOURCES.find((source) => source.name === name);
}

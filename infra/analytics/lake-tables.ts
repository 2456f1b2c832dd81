/**
 * The lake's Parquet datasets as Athena sees them: names, Hive partition keys and column types, so
 * the same marts meshwatch builds locally can be queried at organisation scale. Column names follow
 * the contracts other stages publish (the cloudtrail dataset in ingest/cloudtrail, the marts in
 * transforms/DEFINITIONS.md "Mart columns"); DuckDB JSON columns are Parquet strings to Athena.
 * Types are those of the Parquet `meshwatch run` wrote on the sample (checked 2026-11-24 with
 * DESCRIBE over each folder): a sum DuckDB returns as DOUBLE is declared double here.
 */

export type AthenaType = 'string' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'date' | 'array<string>';

export interface LakeTable {
  readonly name: string;
  /** Folder under the lake root: `<dataset>` or `marts/<mart>`. */
  readonly folder: string;
  readonly description: string;
  readonly columns: Readonly<Record<string, AthenaType>>;
  /** Hive partition keys in folder order, with how Athena projects them (no crawler, no MSCK). */
  readonly partitions?: readonly { readonly name: string; readonly type: AthenaType; readonly projection: 'date' | 'accounts' }[];
}

const s = 'string' as const;
const ts = 'timestamp' as const;
const big = 'bigint' as const;
const dbl = 'double' as const;
const bool = 'boolean' as const;
const list = 'array<string>' as const;

const CLOUDTRAIL: LakeTable = {
  name: 'cloudtrail',
  folder: 'cloudtrail',
  description: 'organisation CloudTrail, one row per event (ingest/cloudtrail)',
  columns: {
    event_id: s,
    event_time: ts,
    event_version: s,
    event_source: s,
    event_name: s,
    aws_region: s,
    recipient_account_id: s,
    source_ip: s,
    user_agent: s,
    error_code: s,
    error_message: s,
    read_only: bool,
    event_type: s,
    management_event: bool,
    event_category: s,
    shared_event_id: s,
    request_id: s,
    addendum_reason: s,
    principal_type: s,
    principal_arn: s,
    principal_id: s,
    principal_account_id: s,
    principal_user_name: s,
    access_key_id: s,
    session_issuer_type: s,
    session_issuer_arn: s,
    session_issuer_name: s,
    session_name: s,
    session_created_at: ts,
    identity_center_user_id: s,
    identity_store_arn: s,
    invoked_by: s,
    mfa_authenticated: bool,
    request_parameters: s,
    response_elements: s,
    additional_event_data: s,
    resources: s,
    service_event_details: s,
    tls_details: s,
    record: s,
    source_object: s,
    delivered_at: ts,
  },
  partitions: [
    { name: 'event_date', type: 'date', projection: 'date' },
    { name: 'account_id', type: 'string', projection: 'accounts' },
  ],
};

const DATA_ACCESS_COLUMNS = {
  access_id: s,
  event_time: ts,
  query_id: s,
  principal: s,
  principal_arn: s,
  principal_role_arn: s,
  principal_kind: s,
  human_name: s,
  permission_set: s,
  account_id: s,
  account_name: s,
  consumer_domain: s,
  service: s,
  workgroup: s,
  query_text: s,
  statement_type: s,
  query_state: s,
  bytes_scanned: big,
  database_name: s,
  table_name: s,
  table_fqn: s,
  table_arn: s,
  producer_account_id: s,
  producer_domain: s,
  outcome: s,
  error_code: s,
  via_resource_link: bool,
  resource_link_fqn: s,
  shared_event_id: s,
  event_ids: list,
} as const;

const mart = (name: string, description: string, columns: Record<string, AthenaType>): LakeTable => ({
  name,
  folder: `marts/${name}`,
  description,
  columns,
});

const MARTS: LakeTable[] = [
  mart('identities', 'principals resolved to humans, services and accounts', {
    principal_arn: s,
    principal: s,
    principal_kind: s,
    principal_type: s,
    human_name: s,
    permission_set: s,
    role_name: s,
    session_name: s,
    identity_center_user_id: s,
    account_id: s,
    account_name: s,
    domain: s,
    account_kind: s,
    first_seen_at: ts,
    last_seen_at: ts,
    events: dbl,
  }),
  mart('data_access', 'one row per access of a principal to a table', DATA_ACCESS_COLUMNS),
  mart('pii_access_history', 'accesses to PII-tagged tables with the grant path', {
    ...DATA_ACCESS_COLUMNS,
    pii_level: s,
    pii_columns: list,
    pii_tagged_since: ts,
    grant_path: s,
    grant_detail: s,
    is_new_reader: bool,
  }),
  mart('product_freshness', 'each data product against its contract', {
    product: s,
    table_fqn: s,
    domain: s,
    account_id: s,
    owner: s,
    owner_contact: s,
    sensitivity: s,
    sla_text: s,
    cadence: s,
    warn_lag_hours: dbl,
    max_lag_hours: dbl,
    last_update_at: ts,
    lag_hours: dbl,
    status: s,
    breaches_in_window: big,
    breach_hours_in_window: dbl,
    expected_partitions: big,
    present_partitions: big,
    completeness: dbl,
    consumers_30d: big,
    queries_30d: big,
    as_of: ts,
  }),
  mart('product_breaches', 'SLA breach intervals per product', {
    product: s,
    table_fqn: s,
    domain: s,
    account_id: s,
    breach_start_at: ts,
    breach_end_at: ts,
    duration_hours: dbl,
  }),
  mart('grant_drift', 'Lake Formation grants against the declared state', {
    drift_id: s,
    kind: s,
    severity: s,
    account_id: s,
    domain: s,
    principal: s,
    resource: s,
    permissions: list,
    declared_address: s,
    changed_by: s,
    changed_by_name: s,
    changed_at: ts,
    event_name: s,
    event_id: s,
    detail: s,
  }),
  mart('domain_chargeback', 'monthly cost per domain', {
    month: s,
    domain: s,
    producer_cost_usd: dbl,
    consumer_cost_usd: dbl,
    shared_allocation_usd: dbl,
    total_usd: dbl,
    previous_total_usd: dbl,
    mom_change_usd: dbl,
    mom_change_pct: dbl,
    athena_served_usd: dbl,
  }),
  mart('chargeback_matrix', 'Athena cost by consumer and producer domain', {
    month: s,
    consumer_domain: s,
    producer_domain: s,
    queries: big,
    bytes_scanned: dbl,
    cost_usd: dbl,
  }),
  mart('athena_daily_usage', 'Athena usage per account, workgroup and day', {
    day: 'date',
    account_id: s,
    consumer_domain: s,
    workgroup: s,
    queries: big,
    bytes_scanned: dbl,
    cost_usd: dbl,
  }),
  mart('cost_daily_domain', 'daily cost per domain', { day: 'date', domain: s, cost_usd: dbl }),
  mart('cloudtrail_coverage', 'CloudTrail delivery per account, region and day', {
    account_id: s,
    region: s,
    day: 'date',
    objects: big,
    events: big,
    verification: s,
    is_gap: bool,
  }),
];

export const LAKE_TABLES: readonly LakeTable[] = [CLOUDTRAIL, ...MARTS];

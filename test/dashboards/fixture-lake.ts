/**
 * A temp lake holding a few fixed rows per mart, shaped like the mart column contract
 * (transforms/DEFINITIONS.md "Mart columns"), written the way the transform stage publishes them
 * (`<lake>/marts/<mart>/<mart>.parquet`). Lets the dashboards be built and checked without
 * running the whole pipeline.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import { createContext } from '../../lib/context.js';
import { openDatabase, quoteLiteral } from '../../lib/lake/duckdb.js';
import { freshnessInputs, recordMartsBuilt } from '../../transforms/runner/marts-freshness.js';

type Columns = Readonly<Record<string, string>>;
type FixtureRow = Readonly<Record<string, unknown>>;

const ACCESS_COLUMNS: Columns = {
  access_id: 'VARCHAR',
  event_time: 'TIMESTAMP',
  query_id: 'VARCHAR',
  principal: 'VARCHAR',
  principal_arn: 'VARCHAR',
  principal_kind: 'VARCHAR',
  human_name: 'VARCHAR',
  permission_set: 'VARCHAR',
  account_id: 'VARCHAR',
  account_name: 'VARCHAR',
  consumer_domain: 'VARCHAR',
  service: 'VARCHAR',
  workgroup: 'VARCHAR',
  query_text: 'VARCHAR',
  statement_type: 'VARCHAR',
  query_state: 'VARCHAR',
  bytes_scanned: 'BIGINT',
  database_name: 'VARCHAR',
  table_name: 'VARCHAR',
  table_fqn: 'VARCHAR',
  table_arn: 'VARCHAR',
  producer_account_id: 'VARCHAR',
  producer_domain: 'VARCHAR',
  outcome: 'VARCHAR',
  error_code: 'VARCHAR',
  via_resource_link: 'BOOLEAN',
  resource_link_fqn: 'VARCHAR',
  shared_event_id: 'VARCHAR',
  event_ids: 'VARCHAR[]',
};

const PII_COLUMNS: Columns = {
  ...ACCESS_COLUMNS,
  pii_level: 'VARCHAR',
  pii_columns: 'VARCHAR[]',
  pii_tagged_since: 'TIMESTAMP',
  grant_path: 'VARCHAR',
  grant_detail: 'VARCHAR',
  is_new_reader: 'BOOLEAN',
};

interface AccessSpec {
  readonly id: number;
  readonly at: string;
  readonly who: string;
  readonly account: string;
  readonly consumer: string;
  readonly table: string;
  readonly producer: string;
  readonly bytes: number;
  readonly outcome?: 'allowed' | 'denied';
}

function access(spec: AccessSpec): FixtureRow {
  const [database, table] = spec.table.split('.') as [string, string];
  const denied = spec.outcome === 'denied';
  return {
    access_id: `a-${spec.id}`,
    event_time: spec.at,
    query_id: `q-${spec.id}`,
    principal: spec.who,
    principal_arn: `arn:aws:sts::${spec.account}:assumed-role/AWSReservedSSO_Analyst_0123456789abcdef/${spec.who}`,
    principal_kind: 'human',
    human_name: spec.who,
    permission_set: 'Analyst',
    account_id: spec.account,
    account_name: `${spec.consumer}-prod`,
    consumer_domain: spec.consumer,
    service: 'athena',
    workgroup: 'primary',
    query_text: `SELECT * FROM ${spec.table} LIMIT ${spec.id}`,
    statement_type: 'DML',
    query_state: denied ? 'FAILED' : 'SUCCEEDED',
    bytes_scanned: spec.bytes,
    database_name: database,
    table_name: table,
    table_fqn: spec.table,
    table_arn: `arn:aws:glue:us-east-1:311111111111:table/${database}/${table}`,
    producer_account_id: '311111111111',
    producer_domain: spec.producer,
    outcome: denied ? 'denied' : 'allowed',
    error_code: denied ? 'AccessDenied' : null,
    via_resource_link: false,
    resource_link_fqn: null,
    shared_event_id: `s-${spec.id}`,
    event_ids: [`e-${spec.id}`],
  };
}

const ACCESSES = [
  access({
    id: 1,
    at: '2026-10-03T10:00:00Z',
    who: 'alice.wong',
    account: '411111111111',
    consumer: 'analytics',
    table: 'sales_db.customers',
    producer: 'sales',
    bytes: 5_000_000,
  }),
  access({
    id: 2,
    at: '2026-10-10T11:00:00Z',
    who: 'bob.smith',
    account: '411111111111',
    consumer: 'analytics',
    table: 'sales_db.customers',
    producer: 'sales',
    bytes: 7_000_000,
  }),
  access({
    id: 3,
    at: '2026-10-26T09:30:00Z',
    who: 'carol.diaz',
    account: '422222222222',
    consumer: 'data-science',
    table: 'sales_db.customers',
    producer: 'sales',
    bytes: 9_000_000,
  }),
  access({
    id: 4,
    at: '2026-10-28T15:00:00Z',
    who: 'alice.wong',
    account: '411111111111',
    consumer: 'analytics',
    table: 'marketing_db.leads',
    producer: 'marketing',
    bytes: 2_000_000,
  }),
  access({
    id: 5,
    at: '2026-10-29T08:00:00Z',
    who: 'dave.lee',
    account: '422222222222',
    consumer: 'data-science',
    table: 'sales_db.customers',
    producer: 'sales',
    bytes: 0,
    outcome: 'denied',
  }),
  access({
    id: 6,
    at: '2026-10-20T12:00:00Z',
    who: 'alice.wong',
    account: '411111111111',
    consumer: 'analytics',
    table: 'sales_db.orders',
    producer: 'sales',
    bytes: 30_000_000,
  }),
  access({
    id: 7,
    at: '2026-10-21T12:00:00Z',
    who: 'erin.cho',
    account: '411111111111',
    consumer: 'analytics',
    table: 'finance_db.ledger',
    producer: 'finance',
    bytes: 0,
    outcome: 'denied',
  }),
];

const PII_TABLES = new Set(['sales_db.customers', 'marketing_db.leads']);
const GRANT_PATHS: Readonly<Record<string, string>> = {
  'a-1': 'lf_tag_policy',
  'a-2': 'named_grant',
  'a-3': 'lf_tag_policy',
  'a-4': 'iam_allowed_principals',
  'a-5': 'unknown',
};
const NEW_READERS = new Set(['a-1', 'a-2', 'a-3', 'a-4']);

const PII_ACCESSES = ACCESSES.filter((row) => PII_TABLES.has(String(row.table_fqn))).map((row) => ({
  ...row,
  pii_level: 'table',
  pii_columns: [],
  pii_tagged_since: '2026-09-15T00:00:00Z',
  grant_path: GRANT_PATHS[String(row.access_id)] ?? 'unknown',
  grant_detail:
    GRANT_PATHS[String(row.access_id)] === 'iam_allowed_principals'
      ? 'IAM_ALLOWED_PRINCIPALS on marketing_db'
      : 'sensitivity=pii',
  is_new_reader: NEW_READERS.has(String(row.access_id)),
}));

interface MartFixture {
  readonly columns: Columns;
  readonly rows: readonly FixtureRow[];
}

function chargeback(month: string, domain: string, producer: number, consumer: number, shared: number, previous: number | null) {
  const total = Math.round((producer + consumer + shared) * 100) / 100;
  return {
    month,
    domain,
    producer_cost_usd: producer,
    consumer_cost_usd: consumer,
    shared_allocation_usd: shared,
    total_usd: total,
    previous_total_usd: previous,
    mom_change_usd: previous === null ? null : Math.round((total - previous) * 100) / 100,
    mom_change_pct: previous === null ? null : Math.round(((total - previous) / previous) * 10_000) / 100,
    athena_served_usd: domain === 'sales' ? 1.25 : 0,
  };
}

function coverage(account: string, region: string, day: string, gap: boolean) {
  return {
    account_id: account,
    region,
    day,
    objects: gap ? 0 : 96,
    events: gap ? 0 : 4_000,
    verification: gap ? 'missing' : 'verified',
    is_gap: gap,
  };
}

export const FIXTURE_MARTS: Readonly<Record<string, MartFixture>> = {
  data_access: { columns: ACCESS_COLUMNS, rows: ACCESSES },
  pii_access_history: { columns: PII_COLUMNS, rows: PII_ACCESSES },
  domain_chargeback: {
    columns: {
      month: 'VARCHAR',
      domain: 'VARCHAR',
      producer_cost_usd: 'DOUBLE',
      consumer_cost_usd: 'DOUBLE',
      shared_allocation_usd: 'DOUBLE',
      total_usd: 'DOUBLE',
      previous_total_usd: 'DOUBLE',
      mom_change_usd: 'DOUBLE',
      mom_change_pct: 'DOUBLE',
      athena_served_usd: 'DOUBLE',
    },
    rows: [
      chargeback('2026-09', 'sales', 410.5, 0, 120.25, null),
      chargeback('2026-10', 'sales', 455.75, 0, 118.5, 530.75),
      chargeback('2026-09', 'analytics', 20, 35.4, 120.25, null),
      chargeback('2026-10', 'analytics', 22.1, 41.9, 118.5, 175.65),
      chargeback('2026-10', 'marketing', 210, 0, 118.5, null),
    ],
  },
  chargeback_matrix: {
    columns: {
      month: 'VARCHAR',
      consumer_domain: 'VARCHAR',
      producer_domain: 'VARCHAR',
      queries: 'BIGINT',
      bytes_scanned: 'BIGINT',
      cost_usd: 'DOUBLE',
    },
    rows: [
      {
        month: '2026-10',
        consumer_domain: 'analytics',
        producer_domain: 'sales',
        queries: 120,
        bytes_scanned: 4.1e12,
        cost_usd: 20.5,
      },
      {
        month: '2026-10',
        consumer_domain: 'analytics',
        producer_domain: 'marketing',
        queries: 30,
        bytes_scanned: 1.2e12,
        cost_usd: 6,
      },
      {
        month: '2026-10',
        consumer_domain: 'data-science',
        producer_domain: 'sales',
        queries: 75,
        bytes_scanned: 2.4e12,
        cost_usd: 12,
      },
    ],
  },
  chargeback_focus: {
    columns: {
      BilledCost: 'DOUBLE',
      EffectiveCost: 'DOUBLE',
      ListCost: 'DOUBLE',
      BillingAccountId: 'VARCHAR',
      SubAccountId: 'VARCHAR',
      ChargeCategory: 'VARCHAR',
      ChargePeriodStart: 'TIMESTAMP',
      ChargePeriodEnd: 'TIMESTAMP',
      ServiceName: 'VARCHAR',
      x_Domain: 'VARCHAR',
      x_Month: 'VARCHAR',
    },
    rows: [
      {
        BilledCost: 12.5,
        EffectiveCost: 12.5,
        ListCost: 12.5,
        BillingAccountId: '200000000001',
        SubAccountId: '311111111111',
        ChargeCategory: 'Usage',
        ChargePeriodStart: '2026-10-01T00:00:00Z',
        ChargePeriodEnd: '2026-10-02T00:00:00Z',
        ServiceName: 'Amazon Simple Storage Service',
        x_Domain: 'sales',
        x_Month: '2026-10',
      },
      {
        BilledCost: 3.25,
        EffectiveCost: 3.25,
        ListCost: 3.25,
        BillingAccountId: '200000000001',
        SubAccountId: '411111111111',
        ChargeCategory: 'Usage',
        ChargePeriodStart: '2026-10-01T00:00:00Z',
        ChargePeriodEnd: '2026-10-02T00:00:00Z',
        ServiceName: 'Amazon Athena',
        x_Domain: 'analytics',
        x_Month: '2026-10',
      },
    ],
  },
  athena_query_costs: {
    columns: {
      query_id: 'VARCHAR',
      month: 'VARCHAR',
      submitted_at: 'TIMESTAMP',
      account_id: 'VARCHAR',
      consumer_domain: 'VARCHAR',
      workgroup: 'VARCHAR',
      query_state: 'VARCHAR',
      bytes_scanned: 'BIGINT',
      cost_usd: 'DOUBLE',
      principal: 'VARCHAR',
      tables: 'VARCHAR[]',
      producer_domains: 'VARCHAR[]',
      query_text: 'VARCHAR',
    },
    rows: ACCESSES.filter((row) => row.outcome === 'allowed').map((row) => ({
      query_id: row.query_id,
      month: String(row.event_time).slice(0, 7),
      submitted_at: row.event_time,
      account_id: row.account_id,
      consumer_domain: row.consumer_domain,
      workgroup: row.workgroup,
      query_state: 'SUCCEEDED',
      bytes_scanned: row.bytes_scanned,
      cost_usd: (Math.max(Math.ceil(Number(row.bytes_scanned) / 2 ** 20) * 2 ** 20, 10 * 2 ** 20) / 2 ** 40) * 5,
      principal: row.principal,
      tables: [row.table_fqn],
      producer_domains: [row.producer_domain],
      query_text: row.query_text,
    })),
  },
  product_freshness: {
    columns: {
      product: 'VARCHAR',
      table_fqn: 'VARCHAR',
      domain: 'VARCHAR',
      account_id: 'VARCHAR',
      owner: 'VARCHAR',
      owner_contact: 'VARCHAR',
      sensitivity: 'VARCHAR',
      sla_text: 'VARCHAR',
      cadence: 'VARCHAR',
      warn_lag_hours: 'DOUBLE',
      max_lag_hours: 'DOUBLE',
      last_update_at: 'TIMESTAMP',
      lag_hours: 'DOUBLE',
      status: 'VARCHAR',
      breaches_in_window: 'BIGINT',
      breach_hours_in_window: 'DOUBLE',
      expected_partitions: 'BIGINT',
      present_partitions: 'BIGINT',
      completeness: 'DOUBLE',
      consumers_30d: 'BIGINT',
      queries_30d: 'BIGINT',
      as_of: 'TIMESTAMP',
    },
    rows: [
      product('sales.orders', 'sales_db.orders', 'sales', 'fresh', 6, 30, 30, 14, 220),
      product('sales.customers', 'sales_db.customers', 'sales', 'breached', 61, 30, 26, 3, 45),
      product('marketing.leads', 'marketing_db.leads', 'marketing', 'late', 30, 30, 29, 2, 12),
    ],
  },
  product_breaches: {
    columns: {
      product: 'VARCHAR',
      table_fqn: 'VARCHAR',
      domain: 'VARCHAR',
      account_id: 'VARCHAR',
      breach_start_at: 'TIMESTAMP',
      breach_end_at: 'TIMESTAMP',
      duration_hours: 'DOUBLE',
    },
    rows: [
      {
        product: 'sales.customers',
        table_fqn: 'sales_db.customers',
        domain: 'sales',
        account_id: '311111111111',
        breach_start_at: '2026-10-12T00:00:00Z',
        breach_end_at: '2026-10-13T06:00:00Z',
        duration_hours: 30,
      },
      {
        product: 'sales.customers',
        table_fqn: 'sales_db.customers',
        domain: 'sales',
        account_id: '311111111111',
        breach_start_at: '2026-10-29T11:00:00Z',
        breach_end_at: null,
        duration_hours: 37,
      },
    ],
  },
  grant_drift: {
    columns: {
      drift_id: 'VARCHAR',
      kind: 'VARCHAR',
      severity: 'VARCHAR',
      account_id: 'VARCHAR',
      domain: 'VARCHAR',
      principal: 'VARCHAR',
      resource: 'VARCHAR',
      permissions: 'VARCHAR[]',
      declared_address: 'VARCHAR',
      changed_by: 'VARCHAR',
      changed_by_name: 'VARCHAR',
      changed_at: 'TIMESTAMP',
      event_name: 'VARCHAR',
      event_id: 'VARCHAR',
      detail: 'VARCHAR',
    },
    rows: [
      drift(
        'd-1',
        'iam_allowed_principals',
        'critical',
        'IAM_ALLOWED_PRINCIPALS',
        'database:marketing_db',
        'mallory.admin',
        '2026-10-18T09:00:00Z',
      ),
      drift(
        'd-2',
        'unexpected',
        'high',
        'arn:aws:iam::411111111111:role/etl',
        'table:sales_db.customers',
        'bob.smith',
        '2026-10-22T13:00:00Z',
      ),
      drift('d-3', 'missing', 'medium', '422222222222', 'table:sales_db.orders', null, null),
      drift('d-4', 'unused', 'low', '411111111111', 'table:finance_db.ledger', null, null),
    ],
  },
  cloudtrail_coverage: {
    columns: {
      account_id: 'VARCHAR',
      region: 'VARCHAR',
      day: 'DATE',
      objects: 'BIGINT',
      events: 'BIGINT',
      verification: 'VARCHAR',
      is_gap: 'BOOLEAN',
    },
    rows: ['2026-10-28', '2026-10-29', '2026-10-30'].flatMap((day) =>
      ['311111111111', '411111111111'].flatMap((account) =>
        ['us-east-1', 'eu-west-1'].map((region) =>
          coverage(account, region, day, account === '411111111111' && region === 'eu-west-1' && day === '2026-10-29'),
        ),
      ),
    ),
  },
};

function product(
  name: string,
  table: string,
  domain: string,
  status: string,
  lag: number,
  expected: number,
  present: number,
  consumers: number,
  queries: number,
) {
  return {
    product: name,
    table_fqn: table,
    domain,
    account_id: '311111111111',
    owner: `${domain}-team`,
    owner_contact: `${domain}-team@nimbuscart.example`,
    sensitivity: table === 'sales_db.customers' ? 'pii' : 'internal',
    sla_text: 'daily by 06:00 UTC',
    cadence: 'daily',
    warn_lag_hours: 26,
    max_lag_hours: 36,
    last_update_at: new Date(Date.parse('2026-10-31T00:00:00Z') - lag * 3_600_000).toISOString(),
    lag_hours: lag,
    status,
    breaches_in_window: status === 'breached' ? 2 : 0,
    breach_hours_in_window: status === 'breached' ? 67 : 0,
    expected_partitions: expected,
    present_partitions: present,
    completeness: present / expected,
    consumers_30d: consumers,
    queries_30d: queries,
    as_of: '2026-10-31T00:00:00Z',
  };
}

function drift(
  id: string,
  kind: string,
  severity: string,
  principal: string,
  resource: string,
  by: string | null,
  at: string | null,
) {
  return {
    drift_id: id,
    kind,
    severity,
    account_id: '322222222222',
    domain: 'marketing',
    principal,
    resource,
    permissions: ['SELECT', 'DESCRIBE'],
    declared_address: kind === 'missing' || kind === 'unused' ? `aws_lakeformation_permissions.${id.replace('-', '_')}` : null,
    changed_by: by ? `arn:aws:sts::200000000003:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/${by}` : null,
    changed_by_name: by,
    changed_at: at,
    event_name: by ? 'GrantPermissions' : null,
    event_id: by ? `ev-${id}` : null,
    detail: `${kind} on ${resource}`,
  };
}

/** Writes the fixture marts (all, or the named subset) into `<lake>/marts/`. */
export async function writeFixtureLake(lake: string, marts: readonly string[] = Object.keys(FIXTURE_MARTS)): Promise<void> {
  const db = await openDatabase(':memory:');
  try {
    for (const name of marts) {
      const fixture = FIXTURE_MARTS[name];
      if (!fixture) throw new Error(`no fixture for mart ${name}`);
      const dir = join(lake, 'marts', name);
      await mkdir(dir, { recursive: true });
      const ndjson = join(dir, `.${name}.ndjson`);
      await writeFile(ndjson, fixture.rows.map((row) => JSON.stringify(row)).join('\n'));
      const columns = Object.entries(fixture.columns)
        .map(([column, type]) => `${quoteLiteral(column)}: ${quoteLiteral(type)}`)
        .join(', ');
      await db.run(
        `COPY (SELECT * FROM read_json(${quoteLiteral(ndjson)}, format = 'newline_delimited', columns = {${columns}}))
         TO ${quoteLiteral(join(dir, `${name}.parquet`))} (FORMAT parquet)`,
      );
      await rm(ndjson);
    }
  } finally {
    db.close();
  }
}

/**
 * Records the fixture marts as current for the lake under this config file (as a transform would),
 * so `dashboards build --no-transform` uses them as they are instead of refusing stale marts.
 */
export async function markFixtureMartsCurrent(
  lake: string,
  configFile: string,
  marts: readonly string[] = Object.keys(FIXTURE_MARTS),
): Promise<void> {
  const ctx = createContext(await loadConfig(configFile, { lake }));
  const files = marts.map((name) => join(ctx.layout.martDir(name), `${name}.parquet`));
  await recordMartsBuilt(ctx, await freshnessInputs(ctx), { marts, files });
}

function alertInstance(id: string, rule: string, severity: string, status: 'open' | 'resolved', resource: string) {
  return {
    id,
    rule,
    resource,
    status,
    severity,
    reason: `${rule} on ${resource}`,
    domain: 'sales',
    account_id: '311111111111',
    owner: 'sales-team',
    dimensions: {},
    opened_at: '2026-10-29T11:00:00Z',
    last_seen_at: '2026-10-31T00:00:00Z',
    last_notified_at: '2026-10-29T11:00:00Z',
    notified_severity: severity,
    resolved_at: status === 'resolved' ? '2026-10-30T08:00:00Z' : null,
    snoozed_until: null,
    notifications: 1,
  };
}

export const FIXTURE_ALERTS = {
  version: 1,
  updated_at: '2026-10-31T00:00:00Z',
  instances: [
    alertInstance('al-1', 'freshness_sla_breached', 'high', 'open', 'sales.customers'),
    alertInstance('al-2', 'pii_access_via_bypass', 'critical', 'open', 'marketing_db.leads'),
    alertInstance('al-3', 'audit_coverage_gap', 'medium', 'resolved', '411111111111/eu-west-1'),
  ],
  outbox: [],
};

/** Writes the alert state the alerts stage keeps (`<lake>/_state/alerts/state.json`). */
export async function writeFixtureAlerts(lake: string): Promise<void> {
  await mkdir(join(lake, '_state', 'alerts'), { recursive: true });
  await writeFile(join(lake, '_state', 'alerts', 'state.json'), JSON.stringify(FIXTURE_ALERTS));
}

/**
 * A temp lake whose DuckDB file holds a few fixed rows per mart, shaped exactly like the mart
 * column contract (transforms/DEFINITIONS.md "Mart columns"), for the report unit tests.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../lib/config/load.js';
import { createContext, type RunContext } from '../../lib/context.js';
import { type Database, openDatabase } from '../../lib/lake/duckdb.js';
import { createMemoryLogger } from '../../lib/log.js';

export const NOW = new Date('2026-10-31T00:00:00Z');
export const WINDOW = { since: new Date('2026-10-01T00:00:00Z'), until: NOW };

/** A query text with a comma, double quotes and a newline: CSV must quote and escape it. */
export const TRICKY_QUERY = 'SELECT email, "name"\nFROM sales_db.customers WHERE note = \'a, "b"\'';

const DATA_ACCESS_COLUMNS = `
  access_id VARCHAR, event_time TIMESTAMP, query_id VARCHAR, principal VARCHAR, principal_arn VARCHAR,
  principal_kind VARCHAR, human_name VARCHAR, permission_set VARCHAR, account_id VARCHAR, account_name VARCHAR,
  consumer_domain VARCHAR, service VARCHAR, workgroup VARCHAR, query_text VARCHAR, statement_type VARCHAR,
  query_state VARCHAR, bytes_scanned BIGINT, database_name VARCHAR, table_name VARCHAR, table_fqn VARCHAR,
  table_arn VARCHAR, producer_account_id VARCHAR, producer_domain VARCHAR, outcome VARCHAR, error_code VARCHAR,
  via_resource_link BOOLEAN, resource_link_fqn VARCHAR, shared_event_id VARCHAR, event_ids VARCHAR[]`;

interface Access {
  id: string;
  at: string;
  query: string;
  who: string;
  account: string;
  domain: string;
  table: string;
  text: string | null;
  bytes: number;
  outcome: 'allowed' | 'denied';
}

const ALICE = 'arn:aws:sts::411111111111:assumed-role/AWSReservedSSO_Analyst_0123456789abcdef/alice.wong';
const BOB = 'arn:aws:sts::422222222222:assumed-role/AWSReservedSSO_DataScientist_0123456789abcdef/bob.lee';
const ETL = 'arn:aws:sts::411111111111:assumed-role/reporting-etl/session-1';

export const ACCESSES: readonly Access[] = [
  {
    id: 'a1',
    at: '2026-10-02 09:00:00',
    query: 'q1',
    who: 'alice.wong',
    account: '411111111111',
    domain: 'analytics',
    table: 'sales_db.customers',
    text: TRICKY_QUERY,
    bytes: 5_242_880,
    outcome: 'allowed',
  },
  {
    id: 'a2',
    at: '2026-10-05 10:30:00',
    query: 'q2',
    who: 'bob.lee',
    account: '422222222222',
    domain: 'data-science',
    table: 'sales_db.customers',
    text: 'select * from sales_db.customers',
    bytes: 1_073_741_824,
    outcome: 'allowed',
  },
  {
    id: 'a3',
    at: '2026-10-06 11:00:00',
    query: 'q3',
    who: 'bob.lee',
    account: '422222222222',
    domain: 'data-science',
    table: 'sales_db.customers',
    text: 'select country from sales_db.customers',
    bytes: 2048,
    outcome: 'denied',
  },
  {
    id: 'a4',
    at: '2026-10-07 12:00:00',
    query: 'q4',
    who: 'reporting-etl',
    account: '411111111111',
    domain: 'analytics',
    table: 'sales_db.orders',
    text: 'select order_id, amount from sales_db.orders',
    bytes: 10_485_760,
    outcome: 'allowed',
  },
  {
    id: 'a5',
    at: '2026-09-20 08:00:00',
    query: 'q5',
    who: 'alice.wong',
    account: '411111111111',
    domain: 'analytics',
    table: 'sales_db.customers',
    text: 'select email from sales_db.customers',
    bytes: 100,
    outcome: 'allowed',
  },
  {
    id: 'a6',
    at: '2026-10-08 08:00:00',
    query: 'q6',
    who: 'alice.wong',
    account: '411111111111',
    domain: 'analytics',
    table: 'sales_db.customers',
    text: null,
    bytes: 100,
    outcome: 'allowed',
  },
];

const ARNS: Record<string, string> = { 'alice.wong': ALICE, 'bob.lee': BOB, 'reporting-etl': ETL };

function lit(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return String(value);
}

function accessValues(access: Access): string {
  const [database, table] = access.table.split('.') as [string, string];
  const human = access.who === 'reporting-etl' ? null : access.who;
  return [
    access.id,
    access.at,
    access.query,
    access.who,
    ARNS[access.who] as string,
    human ? 'human' : 'service',
    human,
    human ? 'Analyst' : null,
    access.account,
    `${access.domain}-prod`,
    access.domain,
    'athena',
    'primary',
    access.text,
    'DML',
    access.outcome === 'allowed' ? 'SUCCEEDED' : 'FAILED',
    access.bytes,
    database,
    table,
    access.table,
    `arn:aws:glue:us-east-1:311111111111:table/${database}/${table}`,
    '311111111111',
    'sales',
    access.outcome,
    access.outcome === 'denied' ? 'AccessDenied' : null,
    false,
    null,
    `shared-${access.id}`,
  ]
    .map((value) => lit(value as string | number | boolean | null))
    .concat(`['ev-${access.id}']`)
    .join(', ');
}

async function createMarts(db: Database): Promise<void> {
  await db.run(`CREATE TABLE data_access (${DATA_ACCESS_COLUMNS})`);
  for (const access of ACCESSES) await db.run(`INSERT INTO data_access VALUES (${accessValues(access)})`);
  await db.run(`CREATE TABLE pii_access_history (${DATA_ACCESS_COLUMNS}, pii_level VARCHAR, pii_columns VARCHAR[],
    pii_tagged_since TIMESTAMP, grant_path VARCHAR, grant_detail VARCHAR, is_new_reader BOOLEAN)`);
  // Customers is PII (tagged before every access); orders is not.
  await db.run(`INSERT INTO pii_access_history
    SELECT *, 'column', ['email'], TIMESTAMP '2026-09-01 00:00:00',
      CASE principal WHEN 'alice.wong' THEN 'lf_tag_policy' ELSE 'named_grant' END, 'detail',
      access_id IN ('a5', 'a2')
    FROM data_access WHERE table_fqn = 'sales_db.customers'`);
  // data_access carries the grant path of every allowed access (PII or not); denied ones have none.
  await db.run(`ALTER TABLE data_access ADD COLUMN grant_path VARCHAR`);
  await db.run(`UPDATE data_access SET grant_path = CASE
      WHEN outcome = 'denied' THEN NULL
      WHEN table_fqn = 'sales_db.customers' THEN (SELECT p.grant_path FROM pii_access_history AS p WHERE p.access_id = data_access.access_id)
      ELSE 'lf_tag_policy' END`);
  await db.run(`CREATE TABLE glue_tables AS SELECT * FROM (VALUES
    ('311111111111', 'sales_db', 'customers'), ('311111111111', 'sales_db', 'orders'), ('322222222222', 'marketing_db', 'campaigns'))
    AS t(account_id, database_name, table_name)`);
  await db.run(`CREATE TABLE product_freshness AS SELECT * FROM (VALUES
    ('sales.orders', 'sales_db.orders', 'sales', '311111111111', 'sales-team', 'sales@example.com', 'internal', 'daily by 06:00', 'daily',
      26.0, 30.0, TIMESTAMP '2026-10-29 12:00:00', 36.0, 'breached', 2, 14.0, 30, 28, 0.9333, 3, 7, TIMESTAMP '2026-10-31 00:00:00'),
    ('sales.customers', 'sales_db.customers', 'sales', '311111111111', 'sales-team', 'sales@example.com', 'pii', 'daily', 'daily',
      26.0, 30.0, TIMESTAMP '2026-10-30 20:00:00', 4.0, 'fresh', 0, 0.0, 30, 30, 1.0, 2, 4, TIMESTAMP '2026-10-31 00:00:00'),
    ('marketing.campaigns', 'marketing_db.campaigns', 'marketing', '322222222222', 'mkt-team', NULL, 'internal', 'hourly', 'hourly',
      2.0, 4.0, TIMESTAMP '2026-10-30 21:00:00', 3.0, 'late', 0, 0.0, 720, 700, 0.9722, 1, 1, TIMESTAMP '2026-10-31 00:00:00')
    ) AS t(product, table_fqn, domain, account_id, owner, owner_contact, sensitivity, sla_text, cadence, warn_lag_hours, max_lag_hours,
      last_update_at, lag_hours, status, breaches_in_window, breach_hours_in_window, expected_partitions, present_partitions, completeness,
      consumers_30d, queries_30d, as_of)`);
  await db.run(`CREATE TABLE product_breaches AS SELECT * FROM (VALUES
    ('sales.orders', 'sales_db.orders', 'sales', '311111111111', TIMESTAMP '2026-09-28 00:00:00', TIMESTAMP '2026-09-29 00:00:00', 24.0),
    ('sales.orders', 'sales_db.orders', 'sales', '311111111111', TIMESTAMP '2026-10-10 06:00:00', TIMESTAMP '2026-10-10 14:00:00', 8.0),
    ('sales.orders', 'sales_db.orders', 'sales', '311111111111', TIMESTAMP '2026-10-30 18:00:00', NULL, 6.0)
    ) AS t(product, table_fqn, domain, account_id, breach_start_at, breach_end_at, duration_hours)`);
  await db.run(`CREATE TABLE grant_drift AS SELECT * FROM (VALUES
    ('d1', 'unused', 'low', '311111111111', 'sales', 'arn:aws:iam::411111111111:role/old', 'table:sales_db.orders', 'SELECT',
      'aws_lakeformation_permissions.old_reader', NULL, NULL, NULL, NULL, NULL, 'no access in 30 days'),
    ('d2', 'iam_allowed_principals', 'critical', '322222222222', 'marketing', 'IAM_ALLOWED_PRINCIPALS', 'table:marketing_db.campaigns', 'ALL',
      NULL, 'arn:aws:sts::322222222222:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/carol', 'carol',
      TIMESTAMP '2026-10-12 15:00:00', 'GrantPermissions', 'ev-grant-1', NULL),
    ('d3', 'unexpected', 'high', '311111111111', 'sales', 'arn:aws:iam::422222222222:role/ds', 'table:sales_db.customers', 'SELECT',
      'aws_lakeformation_permissions.customers_reader', 'arn:aws:sts::311111111111:assumed-role/admin/dave', 'admin',
      TIMESTAMP '2026-09-15 10:00:00', 'GrantPermissions', 'ev-grant-2', NULL)
    ) AS t(drift_id, kind, severity, account_id, domain, principal, resource, permissions, declared_address, changed_by, changed_by_name,
      changed_at, event_name, event_id, detail)`);
  await db.run(`CREATE TABLE domain_chargeback AS SELECT * FROM (VALUES
    ('2026-09', 'sales', 100.0, 0.0, 10.0, 110.0, NULL, NULL, NULL, 0.0),
    ('2026-10', 'sales', 120.0, 0.0, 12.5, 132.5, 110.0, 22.5, 20.4545, 3.25),
    ('2026-10', 'analytics', 5.0, 40.123, 12.5, 57.623, 50.0, 7.623, 15.246, 0.0)
    ) AS t(month, domain, producer_cost_usd, consumer_cost_usd, shared_allocation_usd, total_usd, previous_total_usd, mom_change_usd,
      mom_change_pct, athena_served_usd)`);
  await db.run(`CREATE TABLE chargeback_matrix AS SELECT * FROM (VALUES
    ('2026-10', 'analytics', 'sales', 12, 5368709120, 2.5),
    ('2026-10', 'analytics', 'marketing', 3, 1073741824, 0.75),
    ('2026-10', 'data-science', 'sales', 4, 2147483648, 1.0)
    ) AS t(month, consumer_domain, producer_domain, queries, bytes_scanned, cost_usd)`);
  await db.run(`CREATE TABLE chargeback_focus AS SELECT * FROM (VALUES
    (10.25, 10.25, 10.25, '200000000001', '311111111111', 'Usage', TIMESTAMP '2026-10-01 00:00:00', TIMESTAMP '2026-10-02 00:00:00',
      TIMESTAMP '2026-10-01 00:00:00', TIMESTAMP '2026-11-01 00:00:00', 'Amazon Simple Storage Service', 'Storage', 'us-east-1', 'AWS', 'AWS',
      'AWS', '{"domain":"sales"}', NULL, NULL, 'sales', '2026-10'),
    (1.5, 1.5, 1.5, '200000000001', '200000000003', 'Usage', TIMESTAMP '2026-10-01 00:00:00', TIMESTAMP '2026-10-02 00:00:00',
      TIMESTAMP '2026-10-01 00:00:00', TIMESTAMP '2026-11-01 00:00:00', 'AWS Lake Formation', 'Analytics', 'us-east-1', 'AWS', 'AWS',
      'AWS', '{}', 'even', 'sales', 'sales', '2026-10'),
    (7.0, 7.0, 7.0, '200000000001', '311111111111', 'Usage', TIMESTAMP '2026-09-01 00:00:00', TIMESTAMP '2026-09-02 00:00:00',
      TIMESTAMP '2026-09-01 00:00:00', TIMESTAMP '2026-10-01 00:00:00', 'Amazon Simple Storage Service', 'Storage', 'us-east-1', 'AWS', 'AWS',
      'AWS', '{"domain":"sales"}', NULL, NULL, 'sales', '2026-09')
    ) AS t(BilledCost, EffectiveCost, ListCost, BillingAccountId, SubAccountId, ChargeCategory, ChargePeriodStart, ChargePeriodEnd,
      BillingPeriodStart, BillingPeriodEnd, ServiceName, ServiceCategory, RegionId, Provider, Publisher, InvoiceIssuer, Tags,
      AllocatedMethodId, AllocatedResourceId, x_Domain, x_Month)`);
  // Account 311111111111 in us-east-1 misses 12 and 13 October; every other day is verified.
  await db.run(`CREATE TABLE cloudtrail_coverage AS
    SELECT account_id, region, day::DATE AS day,
      CASE WHEN gap THEN 0 ELSE 24 END AS objects, CASE WHEN gap THEN 0 ELSE 2400 END AS events,
      CASE WHEN gap THEN 'missing' WHEN day = DATE '2026-10-20' AND account_id = '411111111111' THEN 'unverified' ELSE 'verified' END AS verification,
      gap AS is_gap
    FROM (SELECT account_id, region, day,
            account_id = '311111111111' AND region = 'us-east-1' AND day::DATE IN (DATE '2026-10-12', DATE '2026-10-13', DATE '2026-10-25') AS gap
          FROM (VALUES ('311111111111'), ('411111111111')) AS a(account_id),
               (VALUES ('us-east-1'), ('eu-west-1')) AS r(region),
               range(DATE '2026-10-01', DATE '2026-10-31', INTERVAL 1 DAY) AS d(day))`);
}

export interface FixtureLake {
  readonly root: string;
  readonly ctx: RunContext;
  /** Opens the fixture's DuckDB file read-only, as reports do. */
  open(): Promise<Database>;
}

export async function createFixtureLake(): Promise<FixtureLake> {
  const root = await mkdtemp(join(tmpdir(), 'mw-reports-'));
  const config = parseConfig(
    `lake: ${root}\nnow: ${NOW.toISOString()}\norganization:\n  id: o-n1mbusc4rt\n`,
    join(root, 'meshwatch.config.yaml'),
  );
  const ctx = createContext(config, createMemoryLogger());
  const db = await openDatabase(ctx.layout.databaseFile);
  try {
    await createMarts(db);
  } finally {
    db.close();
  }
  return { root, ctx, open: () => openDatabase(ctx.layout.databaseFile, { readOnly: true }) };
}

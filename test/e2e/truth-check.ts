/**
 * Compares the marts with the sample organisation's truth.json (sample-logs/README.md "truth.json"):
 * for each kind of planted fact, the rows truth has that the marts lack or hold differently, and the
 * rows the marts have that truth does not. An empty list per fact means recovered exactly.
 */
import type { Database } from '../../lib/lake/duckdb.js';

type Row = Record<string, unknown>;
export type Mismatches = Record<string, string[]>;

interface Truth {
  accesses: Row[];
  pii_reads: Row[];
  denied_attempts: Row[];
  pii_new_readers: Row[];
  sla_breaches: Row[];
  products: Row[];
  drift: Row[];
  lf_settings_iam_allowed_principals: Row[];
  costs: { monthly_by_domain: Row[]; athena_matrix: Row[]; total_by_month: Row[] };
  athena_daily_usage?: Row[];
  coverage_gaps?: Row[];
}

const instant = (value: unknown) => (value === null || value === undefined ? null : new Date(String(value)).toISOString());

/** Pairs truth rows with mart rows by key and reports every difference in the compared fields. */
function compare(
  fact: string,
  truthRows: Row[],
  martRows: Row[],
  key: (row: Row) => string,
  fields: Record<string, (t: Row, m: Row) => boolean>,
): string[] {
  const problems: string[] = [];
  const marts = new Map<string, Row[]>();
  for (const row of martRows) marts.set(key(row), [...(marts.get(key(row)) ?? []), row]);
  const seen = new Set<string>();
  for (const truthRow of truthRows) {
    const k = key(truthRow);
    if (seen.has(k)) problems.push(`${fact} ${k}: listed twice in truth`);
    seen.add(k);
    const found = marts.get(k) ?? [];
    if (found.length === 0) {
      problems.push(`${fact} ${k}: missing from the marts`);
      continue;
    }
    if (found.length > 1) problems.push(`${fact} ${k}: ${found.length} rows in the marts`);
    for (const [field, equal] of Object.entries(fields)) {
      if (!equal(truthRow, found[0] as Row)) problems.push(`${fact} ${k}: ${field} differs`);
    }
  }
  for (const k of marts.keys()) if (!seen.has(k)) problems.push(`${fact} ${k}: in the marts, not in truth`);
  return problems;
}

const same =
  (truthField: string, martField = truthField) =>
  (t: Row, m: Row) =>
    (t[truthField] ?? null) === (m[martField] ?? null);
const sameInstant =
  (truthField: string, martField = truthField) =>
  (t: Row, m: Row) =>
    instant(t[truthField]) === instant(m[martField]);
const near =
  (truthField: string, martField = truthField, tolerance = 0.005) =>
  (t: Row, m: Row) =>
    (t[truthField] === null && m[martField] === null) ||
    (t[truthField] !== null && m[martField] !== null && Math.abs(Number(t[truthField]) - Number(m[martField])) <= tolerance);

export async function compareWithTruth(db: Database, truth: Truth): Promise<Mismatches> {
  const accessKey = (row: Row) => `${row.query_id}|${row.table ?? row.table_fqn}`;
  const accesses = await db.all('SELECT * FROM data_access');
  const pii = await db.all('SELECT * FROM pii_access_history');
  const accessFields = {
    event_time: sameInstant('event_time'),
    principal: same('principal'),
    principal_arn: same('principal_arn'),
    principal_kind: same('principal_kind'),
    account_id: same('account_id'),
    consumer_domain: same('consumer_domain'),
    producer_account_id: same('producer_account_id'),
    producer_domain: same('producer_domain'),
    service: same('service'),
    outcome: same('outcome'),
    error_code: same('error_code'),
    via_resource_link: same('via_resource_link'),
    workgroup: same('workgroup'),
    grant_path: same('grant_path'),
    bytes_scanned: same('bytes_scanned'),
  };
  const mismatches: Mismatches = {
    accesses: compare('access', truth.accesses, accesses, accessKey, accessFields),
    pii_reads: compare(
      'pii read',
      truth.pii_reads,
      pii.filter((row) => row.outcome === 'allowed'),
      accessKey,
      { principal: same('principal'), grant_path: same('grant_path'), account_id: same('account_id') },
    ),
    denied_attempts: compare(
      'denied attempt',
      truth.denied_attempts,
      accesses.filter((row) => row.outcome === 'denied'),
      accessKey,
      {
        principal: same('principal'),
        error_code: same('error_code'),
      },
    ),
    pii_new_readers: compare(
      'new reader',
      truth.pii_new_readers,
      pii.filter((row) => row.is_new_reader),
      (row) => `${row.principal}|${row.table ?? row.table_fqn}`,
      { first_read_at: sameInstant('first_read_at', 'event_time'), query_id: same('query_id') },
    ),
    sla_breaches: compare(
      'breach',
      truth.sla_breaches,
      await db.all('SELECT * FROM product_breaches'),
      (row) => `${row.product}|${instant(row.from ?? row.breach_start_at)}`,
      {
        to: sameInstant('to', 'breach_end_at'),
        table: same('table', 'table_fqn'),
      },
    ),
    products: compare('product', truth.products, await db.all('SELECT * FROM product_freshness'), (row) => String(row.product), {
      status: same('status_at_now', 'status'),
      last_update: sameInstant('last_update', 'last_update_at'),
      lag_hours: near('lag_hours', 'lag_hours', 0.01),
      completeness: near('completeness', 'completeness', 0.0001),
      present_partitions: same('present_partitions'),
      expected_partitions: same('expected_partitions'),
      consumers_30d: same('consumers_30d'),
      queries_30d: same('queries_30d'),
    }),
    drift: compare(
      'drift',
      truth.drift,
      await db.all('SELECT * FROM grant_drift'),
      (row) => `${row.kind}|${row.account_id}|${row.principal}|${row.resource}`,
      {
        severity: same('severity'),
        domain: same('domain'),
        changed_by: same('changed_by'),
        changed_at: sameInstant('changed_at'),
        event_name: same('event_name'),
        event_id: same('event_id'),
        declared_address: same('declared_address'),
        permissions: (t, m) => JSON.stringify(t.permissions) === JSON.stringify(m.permissions),
      },
    ),
    lf_settings: compare(
      'lf settings',
      truth.lf_settings_iam_allowed_principals,
      await db.all('SELECT * FROM lf_settings_current WHERE iam_allowed_principals_default'),
      (row) => String(row.account_id),
      { changed_at: sameInstant('changed_at'), changed_by: same('changed_by') },
    ),
    monthly_costs: compare(
      'domain month',
      truth.costs.monthly_by_domain,
      await db.all('SELECT * FROM domain_chargeback'),
      (row) => `${row.month}|${row.domain}`,
      {
        producer_cost_usd: near('producer_cost_usd'),
        consumer_cost_usd: near('consumer_cost_usd'),
        shared_allocation_usd: near('shared_allocation_usd'),
        total_usd: near('total_usd'),
        previous_total_usd: near('previous_total_usd'),
        athena_served_usd: near('athena_served_usd'),
      },
    ),
    monthly_totals: compare(
      'month total',
      truth.costs.total_by_month,
      await db.all('SELECT month, sum(total_usd) AS unblended_usd FROM domain_chargeback GROUP BY month'),
      (row) => String(row.month),
      { unblended_usd: near('unblended_usd') },
    ),
    athena_matrix: compare(
      'matrix cell',
      truth.costs.athena_matrix,
      await db.all('SELECT * FROM chargeback_matrix'),
      (row) => `${row.month}|${row.consumer_domain}|${row.producer_domain}`,
      { cost_usd: near('cost_usd', 'cost_usd', 0.000001), queries: same('queries') },
    ),
  };
  if (truth.coverage_gaps) {
    mismatches.coverage_gaps = compare(
      'coverage gap',
      truth.coverage_gaps,
      await db.all('SELECT * FROM cloudtrail_coverage WHERE is_gap'),
      (row) => `${row.account_id}|${row.region}|${row.day}`,
      {},
    );
  }
  if (truth.athena_daily_usage) {
    mismatches.athena_daily_usage = compare(
      'athena day',
      truth.athena_daily_usage,
      await db.all('SELECT * FROM athena_daily_usage'),
      (row) => `${row.day}|${row.account_id}|${row.workgroup}`,
      { queries: same('queries'), bytes_scanned: same('bytes_scanned'), cost_usd: near('cost_usd', 'cost_usd', 0.000001) },
    );
  }
  return mismatches;
}

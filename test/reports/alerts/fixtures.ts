/**
 * Test fixtures for the alerting stage: a temporary lake whose DuckDB file holds mart tables with
 * the columns of transforms/DEFINITIONS.md, filled with fixed rows, and a RunContext over it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext, type RunContext } from '../../../lib/context.js';
import { type Database, openDatabase, quoteIdentifier } from '../../../lib/lake/duckdb.js';
import { lakeLayout } from '../../../lib/lake/layout.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { freshnessInputs, recordMartsBuilt } from '../../../transforms/runner/marts-freshness.js';

export const MART_DDL: Record<string, string> = {
  product_freshness: `product VARCHAR, table_fqn VARCHAR, domain VARCHAR, account_id VARCHAR, owner VARCHAR,
    owner_contact VARCHAR, sensitivity VARCHAR, sla_text VARCHAR, cadence VARCHAR, warn_lag_hours DOUBLE,
    max_lag_hours DOUBLE, last_update_at TIMESTAMP, lag_hours DOUBLE, status VARCHAR, breaches_in_window BIGINT,
    breach_hours_in_window DOUBLE, expected_partitions BIGINT, present_partitions BIGINT, completeness DOUBLE,
    consumers_30d BIGINT, queries_30d BIGINT, as_of TIMESTAMP`,
  pii_access_history: `access_id VARCHAR, event_time TIMESTAMP, query_id VARCHAR, principal VARCHAR, principal_arn VARCHAR,
    principal_kind VARCHAR, account_id VARCHAR, consumer_domain VARCHAR, workgroup VARCHAR, table_fqn VARCHAR,
    producer_account_id VARCHAR, producer_domain VARCHAR, outcome VARCHAR, grant_path VARCHAR, grant_detail VARCHAR,
    is_new_reader BOOLEAN`,
  grant_drift: `drift_id VARCHAR, kind VARCHAR, severity VARCHAR, account_id VARCHAR, domain VARCHAR, principal VARCHAR,
    resource VARCHAR, permissions VARCHAR[], declared_address VARCHAR, changed_by VARCHAR, changed_by_name VARCHAR,
    changed_at TIMESTAMP, event_name VARCHAR, event_id VARCHAR, detail VARCHAR`,
  lf_settings_current: `account_id VARCHAR, snapshot_at TIMESTAMP, iam_allowed_principals_default BOOLEAN,
    changed_at TIMESTAMP, changed_by VARCHAR`,
  athena_daily_usage: `day DATE, account_id VARCHAR, consumer_domain VARCHAR, workgroup VARCHAR, queries BIGINT,
    bytes_scanned BIGINT, cost_usd DOUBLE`,
  cost_daily_domain: 'day DATE, domain VARCHAR, cost_usd DOUBLE',
  cloudtrail_coverage: `account_id VARCHAR, region VARCHAR, day DATE, objects BIGINT, events BIGINT, verification VARCHAR,
    is_gap BOOLEAN`,
};

export type MartRows = Partial<Record<keyof typeof MART_DDL, Record<string, unknown>[]>>;

export const SAMPLE_NOW = '2026-10-31T00:00:00Z';

export const BASE_CONFIG = `
now: ${SAMPLE_NOW}
regions: [us-east-1]
organization:
  id: o-n1mbusc4rt
  accounts:
    - { id: "311111111111", name: sales-prod, domain: sales, kind: producer, owner: sales-oncall }
    - { id: "322222222222", name: marketing-prod, domain: marketing, kind: producer }
    - { id: "411111111111", name: analytics-prod, domain: analytics, kind: consumer }
`;

export async function tempLakeDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mw-alerts-'));
}

/** Creates the mart tables (all of them, so every rule evaluates) and inserts the given rows. */
export async function writeMarts(lakeDir: string, rows: MartRows, only?: readonly string[]): Promise<void> {
  const db = await openDatabase(lakeLayout(lakeDir).databaseFile);
  try {
    for (const [mart, ddl] of Object.entries(MART_DDL)) {
      if (only && !only.includes(mart)) continue;
      await db.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(mart)} (${ddl})`);
      for (const row of rows[mart] ?? []) await insertRow(db, mart, row);
    }
  } finally {
    db.close();
  }
}

async function insertRow(db: Database, table: string, row: Record<string, unknown>): Promise<void> {
  const names = Object.keys(row);
  const values = names.map((name, index) => {
    const value = row[name];
    // Lists go in as SQL literals of strings (the only list column is grant_drift.permissions).
    if (Array.isArray(value)) return `[${value.map((item) => `'${String(item).replaceAll("'", "''")}'`).join(', ')}]`;
    return `$p${index}`;
  });
  const params: Record<string, string | number | boolean | null> = {};
  names.forEach((name, index) => {
    const value = row[name];
    if (!Array.isArray(value)) params[`p${index}`] = value as string | number | boolean | null;
  });
  await db.run(
    `INSERT INTO ${quoteIdentifier(table)} (${names.map((name) => quoteIdentifier(name)).join(', ')}) VALUES (${values.join(', ')})`,
    params,
  );
}

export function contextFor(
  lakeDir: string,
  extraYaml = '',
  now = SAMPLE_NOW,
): RunContext & { logger: ReturnType<typeof createMemoryLogger> } {
  const config = parseConfig(
    `${BASE_CONFIG.replace(SAMPLE_NOW, now)}lake: ${lakeDir}\n${extraYaml}`,
    join(lakeDir, 'meshwatch.config.yaml'),
  );
  const logger = createMemoryLogger('verbose');
  return Object.assign(createContext(config, logger), { logger });
}

/**
 * Records the hand-written marts as current for this context (as a transform would), so readers
 * that apply the freshness policy (`alerts run`, `alerts --dry-run`) use them as they are.
 */
export async function markMartsCurrent(ctx: RunContext): Promise<void> {
  await recordMartsBuilt(ctx, await freshnessInputs(ctx), { marts: Object.keys(MART_DDL), files: [ctx.layout.databaseFile] });
}

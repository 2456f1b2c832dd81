/**
 * Transform benchmark: full `transform` time and `who-queried` latency (a parameterised query on
 * pii_access_history / data_access by table) on a generated lake of N CloudTrail events
 * (default 1,000,000; MESHWATCH_BENCH_EVENTS or argv[2] to change).
 *
 * Module shape as bench/run.ts documents (`npm run bench -- --only transforms`). It generates its own
 * lake rather than reading ctx.dataDir, so the event count is exact. Run alone:
 * `npx tsx bench/transforms.bench.ts [events]`; with MESHWATCH_BENCH_LAKE=<folder> the generated lake
 * is kept there and reused by the next run (each run still transforms from scratch). Every model's
 * time is printed as it finishes; the who-queried figures are described at `whoQueriedFigures`.
 *
 * The lake is generated straight into Parquet with DuckDB (no collector): per block of ten events, one
 * Athena StartQueryExecution, two GetDataAccess events with their cross-account copies (same
 * sharedEventID), and five noise events; one athena_queries row per query; LF-Tags marking three of
 * the twelve tables PII; a permissions snapshot; contracts, partitions and a month of costs.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../lib/config/load.js';
import { createContext } from '../lib/context.js';
import { allByColumns, type Database, openDatabase, quoteLiteral, type SqlParams } from '../lib/lake/duckdb.js';
import { lakeLayout } from '../lib/lake/layout.js';
import { createLogger } from '../lib/log.js';
import { whoQueried } from '../reports/who-queried.js';
import { type ModelRun, transform } from '../transforms/index.js';
import type { BenchContext } from './run.js';

export const description = 'full transform time and who-queried latency on a generated lake of N CloudTrail events';

const TABLES = [
  ['311111111111', 'sales_db', 'orders'],
  ['311111111111', 'sales_db', 'customers'],
  ['311111111111', 'sales_db', 'returns'],
  ['322222222222', 'marketing_db', 'campaigns'],
  ['322222222222', 'marketing_db', 'web_sessions'],
  ['322222222222', 'marketing_db', 'leads'],
  ['333333333333', 'supply_chain_db', 'shipments'],
  ['333333333333', 'supply_chain_db', 'inventory'],
  ['333333333333', 'supply_chain_db', 'suppliers'],
  ['344444444444', 'finance_db', 'invoices'],
  ['344444444444', 'finance_db', 'salaries'],
  ['344444444444', 'finance_db', 'budgets'],
] as const;
const PII_TABLES = new Set(['sales_db.customers', 'marketing_db.leads', 'finance_db.salaries']);

const CONFIG = (lake: string) => `lake: ${lake}
now: 2026-10-31T00:00:00Z
regions: [us-east-1]
organization:
  id: o-n1mbusc4rt
  accounts:
    - { id: "200000000001", name: management, domain: platform, kind: management }
    - { id: "311111111111", name: sales-prod, domain: sales, kind: producer }
    - { id: "322222222222", name: marketing-prod, domain: marketing, kind: producer }
    - { id: "333333333333", name: supply-chain-prod, domain: supply-chain, kind: producer }
    - { id: "344444444444", name: finance-prod, domain: finance, kind: producer }
    - { id: "411111111111", name: analytics-prod, domain: analytics, kind: consumer }
    - { id: "422222222222", name: data-science-prod, domain: data-science, kind: consumer }
`;

/** SQL for block `b`'s row `r` (0..9) of the generated trail. */
function cloudtrailSql(events: number): string {
  const tables = `[${TABLES.map(([account, db, table]) => `{'account': '${account}', 'db': '${db}', 'tbl': '${table}'}`).join(', ')}]`;
  return `
    WITH rows AS (
      SELECT i, i // 10 AS b, i % 10 AS r FROM range(${events}) AS t(i)
    ), shaped AS (
      SELECT *,
        TIMESTAMP '2026-10-01' + to_microseconds(CAST(b * (2592000000000 // greatest(${events} // 10, 1)) AS BIGINT)) + to_seconds(r) AS event_time,
        CASE WHEN b % 2 = 0 THEN '411111111111' ELSE '422222222222' END AS consumer,
        ${tables}[CASE WHEN r IN (1, 2) THEN b % 12 ELSE (b * 7 + 3) % 12 END + 1] AS t,
        'q-' || b AS query_id,
        'person' || (b % 200) AS person
      FROM rows
    )
    SELECT
      'e-' || i AS event_id,
      event_time,
      '1.11' AS event_version,
      CASE WHEN r = 0 THEN 'athena.amazonaws.com' WHEN r <= 4 THEN 'lakeformation.amazonaws.com' ELSE 'sts.amazonaws.com' END AS event_source,
      CASE WHEN r = 0 THEN 'StartQueryExecution' WHEN r <= 4 THEN 'GetDataAccess' ELSE 'AssumeRole' END AS event_name,
      'us-east-1' AS aws_region,
      CASE WHEN r IN (2, 4) THEN t.account ELSE consumer END AS recipient_account_id,
      CASE WHEN r IN (1, 2) THEN 's-' || b || '-1' WHEN r IN (3, 4) THEN 's-' || b || '-2' END AS shared_event_id,
      CASE WHEN r IN (2, 4) THEN 'AWSAccount' ELSE 'AssumedRole' END AS principal_type,
      CASE WHEN r IN (2, 4) THEN NULL ELSE 'arn:aws:sts::' || consumer || ':assumed-role/AWSReservedSSO_Analyst_0123456789abcdef/' || person END AS principal_arn,
      consumer AS principal_account_id,
      CASE WHEN r IN (2, 4) THEN NULL ELSE 'arn:aws:iam::' || consumer || ':role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Analyst_0123456789abcdef' END AS session_issuer_arn,
      CASE WHEN r IN (2, 4) THEN NULL ELSE 'AWSReservedSSO_Analyst_0123456789abcdef' END AS session_issuer_name,
      CASE WHEN r IN (2, 4) THEN NULL ELSE person END AS session_name,
      CASE
        WHEN r = 0 THEN CAST(json_object('queryString', 'SELECT * FROM t', 'workGroup', 'analysts') AS JSON)
        WHEN r <= 4 THEN CAST(json_object('tableArn', 'arn:aws:glue:us-east-1:' || t.account || ':table/' || t.db || '/' || t.tbl,
          'auditContext', json_object('additionalAuditContext', '{queryId: ' || query_id || '}')) AS JSON)
      END AS request_parameters,
      CASE WHEN r = 0 THEN CAST(json_object('queryExecutionId', query_id) AS JSON) END AS response_elements,
      CASE WHEN r BETWEEN 1 AND 4 THEN CAST(json_object('requesterService', 'ATHENA') AS JSON) END AS additional_event_data,
      event_time AS delivered_at,
      CAST(event_time AS DATE) AS event_date,
      CASE WHEN r IN (2, 4) THEN t.account ELSE consumer END AS account_id
    FROM shaped`;
}

async function writeDataset(db: Database, lake: string, name: string, select: string, partitionBy?: string): Promise<void> {
  const dir = join(lake, name);
  await mkdir(dir, { recursive: true });
  const target = partitionBy ? dir : join(dir, 'part-0.parquet');
  await db.run(
    `COPY (${select}) TO ${quoteLiteral(target)} (FORMAT parquet, COMPRESSION zstd${partitionBy ? `, PARTITION_BY (${partitionBy}), OVERWRITE_OR_IGNORE` : ''})`,
  );
}

export async function generateLake(lake: string, events: number): Promise<void> {
  const db = await openDatabase(':memory:', { memoryLimit: '1GB' });
  try {
    await db.run("SET TimeZone = 'UTC'; SET preserve_insertion_order = false");
    await writeDataset(db, lake, 'cloudtrail', cloudtrailSql(events), 'event_date, account_id');
    await writeDataset(
      db,
      lake,
      'athena_queries',
      `SELECT TIMESTAMP '2026-10-31' AS collected_at, CASE WHEN b % 2 = 0 THEN '411111111111' ELSE '422222222222' END AS account_id,
        'q-' || b AS query_id, 'analysts' AS workgroup, 'SUCCEEDED' AS state, 'DML' AS statement_type,
        TIMESTAMP '2026-10-01' + to_microseconds(CAST(b * (2592000000000 // greatest(${events} // 10, 1)) AS BIGINT)) AS submitted_at,
        (b % 1000) * 1048576 * 7 AS data_scanned_bytes
       FROM range(${Math.max(1, Math.floor(events / 10))}) AS t(b)`,
    );
    const tagRows = TABLES.map(
      ([account, db, table]) =>
        `(TIMESTAMP '2026-09-30', '${account}', '${db}', '${table}', 'table', 'sensitivity', ['${PII_TABLES.has(`${db}.${table}`) ? 'pii' : 'internal'}'])`,
    ).join(', ');
    await writeDataset(
      db,
      lake,
      'lf_resource_tags',
      `SELECT * FROM (VALUES ${tagRows}) AS t(snapshot_at, account_id, database_name, table_name, level, tag_key, tag_values)`,
    );
    const grantRows = TABLES.flatMap(([account, db]) => [
      `(TIMESTAMP '2026-09-30', '${account}', '411111111111', 'LF_TAG_POLICY', NULL, NULL, 'TABLE', '[{"TagKey":"sensitivity","TagValues":["pii","internal"]}]', ['SELECT'])`,
      `(TIMESTAMP '2026-09-30', '${account}', '422222222222', 'TABLE', '${db}', '*', NULL, NULL, ['SELECT'])`,
    ]).join(', ');
    await writeDataset(
      db,
      lake,
      'lf_permissions',
      `SELECT DISTINCT * FROM (VALUES ${grantRows}) AS t(snapshot_at, account_id, principal, resource_type, database_name, table_name, lf_tag_policy_resource_type, lf_tag_expression, permissions)`,
    );
    await writeDataset(
      db,
      lake,
      'cost_daily',
      `SELECT CAST(d AS DATE) AS day, 'LINKED_ACCOUNT,SERVICE' AS grouping, a AS account_id, s AS service, 1.25 AS unblended_cost_usd
       FROM range(TIMESTAMP '2026-09-01', TIMESTAMP '2026-10-31', INTERVAL 1 DAY) AS r(d),
            (VALUES ('200000000001'), ('311111111111'), ('411111111111')) AS x(a),
            (VALUES ('Amazon Athena'), ('Amazon Simple Storage Service')) AS y(s)`,
    );
  } finally {
    db.close();
  }
}

type Reader = (db: Database, sql: string, params: SqlParams) => Promise<readonly unknown[]>;

const readByRows: Reader = (db, sql, params) => db.all(sql, params);
const readByColumns: Reader = (db, sql, params) => allByColumns(db, sql, params);

/** Median wall time of `runs` executions of `read` on a fresh read-only connection, in ms, with the rows it returned. */
async function medianMs(
  databaseFile: string,
  runs: number,
  read: (db: Database) => Promise<readonly unknown[]>,
): Promise<{ ms: number; rows: number }> {
  const db = await openDatabase(databaseFile, { readOnly: true });
  try {
    await db.run("SET TimeZone = 'UTC'");
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      rows = (await read(db)).length;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { ms: Math.round((times[Math.floor(times.length / 2)] as number) * 10) / 10, rows };
  } finally {
    db.close();
  }
}

const QUESTION = { table: 'sales_db.customers', since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00Z' } as const;

/** A parameterised query on one table since QUESTION.since, read with `read`. */
function tableQuery(databaseFile: string, sql: string, read: Reader) {
  return medianMs(databaseFile, 15, (db) => read(db, sql, { table: QUESTION.table, since: QUESTION.since }));
}

/**
 * The who-queried figures:
 * - cli summary: `meshwatch who-queried sales_db.customers --summary`, the PII question as the command
 *   answers it (name check against the known tables, then who read the table, from which account,
 *   through which engine, outcome and grant path, how often, first and last: a row per way in);
 * - cli: `meshwatch who-queried sales_db.customers` as the command computes its answer (name check
 *   against the known tables, the report query on data_access, every access of the window as rows;
 *   rendering the text is not timed);
 * - pii raw: every PII access of the table (six columns of pii_access_history), read row-wise
 *   (`Database.all`, as the first bench did) and column-wise (`allByColumns`, as reports now read);
 * - summary: the question answered in SQL — who read it, as which human, from which account,
 *   through which grant, how often, first and last — a few rows.
 */
async function whoQueriedFigures(databaseFile: string): Promise<Record<string, number>> {
  const window = { since: new Date(QUESTION.since), until: new Date(QUESTION.until) };
  const cliSummary = await medianMs(
    databaseFile,
    15,
    async (db) => (await whoQueried(db, { target: QUESTION.table, window, summary: true })).rows,
  );
  const cli = await medianMs(databaseFile, 7, async (db) => (await whoQueried(db, { target: QUESTION.table, window })).rows);
  const piiSql =
    'SELECT event_time, principal, human_name, account_id, query_id, grant_path FROM pii_access_history WHERE table_fqn = $table AND event_time >= CAST($since AS TIMESTAMP) ORDER BY event_time';
  const piiRows = await tableQuery(databaseFile, piiSql, readByRows);
  const piiColumns = await tableQuery(databaseFile, piiSql, readByColumns);
  const summary = await tableQuery(
    databaseFile,
    'SELECT principal, human_name, account_id, grant_path, count(*) AS reads, min(event_time) AS first_at, max(event_time) AS last_at FROM pii_access_history WHERE table_fqn = $table AND event_time >= CAST($since AS TIMESTAMP) GROUP BY ALL ORDER BY reads DESC, principal',
    readByColumns,
  );
  return {
    who_queried_cli_summary_ms: cliSummary.ms,
    who_queried_cli_summary_rows: cliSummary.rows,
    who_queried_cli_ms: cli.ms,
    who_queried_cli_rows: cli.rows,
    who_queried_pii_raw_rowwise_ms: piiRows.ms,
    who_queried_pii_raw_ms: piiColumns.ms,
    who_queried_pii_rows: piiColumns.rows,
    who_queried_summary_ms: summary.ms,
    who_queried_summary_rows: summary.rows,
  };
}

/**
 * The lake to transform: MESHWATCH_BENCH_LAKE names a folder to reuse (generated there on the first
 * run, marked done by a file naming the event count), so repeated runs skip the generation. The
 * DuckDB file is removed first either way: the bench measures a full run from raw datasets.
 */
async function prepareLake(ctx: BenchContext, events: number): Promise<string> {
  const reused = process.env.MESHWATCH_BENCH_LAKE;
  const lake = reused ? resolve(reused) : ctx.lake;
  const marker = join(lake, '_state', `bench-generated-${events}`);
  if (reused && existsSync(marker)) {
    ctx.log(`transforms bench: reusing the ${events}-event lake in ${lake}`);
  } else {
    if (reused) await rm(lake, { recursive: true, force: true });
    const generated = performance.now();
    await generateLake(lake, events);
    await mkdir(dirname(marker), { recursive: true });
    await writeFile(marker, `${new Date().toISOString()}\n`);
    ctx.log(`transforms bench: generated ${events} events in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
  }
  await rm(lakeLayout(lake).databaseFile, { force: true });
  await rm(`${lakeLayout(lake).databaseFile}.wal`, { force: true });
  await rm(lakeLayout(lake).statePath('transforms.json'), { force: true });
  return lake;
}

export default async function transformsBench(ctx: BenchContext): Promise<Record<string, number | string>> {
  const events = Number(process.env.MESHWATCH_BENCH_EVENTS ?? process.argv[2] ?? 1_000_000);
  const lake = await prepareLake(ctx, events);
  const config = parseConfig(CONFIG(lake), join(ctx.dataDir, 'meshwatch.config.yaml'));
  const runCtx = createContext(config, createLogger('quiet'));
  const modelRuns: ModelRun[] = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await transform(runCtx, {
    onModel: (run) => {
      modelRuns.push(run);
      ctx.log(`  ${run.name}: ${run.rows} rows, ${(run.ms / 1000).toFixed(2)} s`);
    },
  });
  const transformSeconds = (performance.now() - started) / 1000;
  // CPU time of this process (DuckDB's threads included): on a shared machine, wall time alone misleads.
  const cpu = process.cpuUsage(cpuBefore);
  const rows = Object.fromEntries(result.outputs.map((output) => [output.name, output.rows]));
  const who = await whoQueriedFigures(runCtx.layout.databaseFile);
  return {
    events,
    transform_s: Math.round(transformSeconds * 10) / 10,
    transform_cpu_s: Math.round((cpu.user + cpu.system) / 100_000) / 10,
    events_per_s: Math.round(events / transformSeconds),
    data_access_rows: rows.data_access ?? 0,
    pii_access_rows: rows.pii_access_history ?? 0,
    ...who,
    slowest: [...modelRuns]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 6)
      .map((run) => `${run.name} ${(run.ms / 1000).toFixed(1)} s`)
      .join(', '),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dataDir = await mkdtemp(join(tmpdir(), 'meshwatch-bench-transforms-'));
  const figures = await transformsBench({ dataDir, lake: join(dataDir, 'lake'), log: (line) => console.log(line) });
  console.log(JSON.stringify(figures, null, 2));
}

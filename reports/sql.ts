/**
 * The reports' SQL lives in `reports/sql/<name>.sql`, one parameterised SELECT per file over the
 * marts; this module reads a file once and runs it with `$name` parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allByColumns, type Database, type Row, type SqlParams } from '../lib/lake/duckdb.js';

const SQL_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'sql');
const cache = new Map<string, string>();

export type ReportQueryName =
  | 'who-queried'
  | 'who-queried-summary'
  | 'pii-access'
  | 'pii-access-by-table'
  | 'pii-access-by-person'
  | 'chargeback'
  | 'chargeback-matrix'
  | 'chargeback-focus'
  | 'chargeback-months'
  | 'health'
  | 'health-breaches'
  | 'drift'
  | 'coverage'
  | 'coverage-days';

export function reportSql(name: ReportQueryName): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = readFileSync(join(SQL_DIR, `${name}.sql`), 'utf8');
    cache.set(name, sql);
  }
  return sql;
}

/** Rows are read column by column (`allByColumns`): the same values, faster for long listings. */
export function runReportQuery<T extends Row = Row>(db: Database, name: ReportQueryName, params: SqlParams = {}): Promise<T[]> {
  return allByColumns<T>(db, reportSql(name), params);
}

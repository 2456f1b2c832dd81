/**
 * The operational metrics published to CloudWatch each run: one SQL file per metric family in this
 * folder (freshness lag, PII reads, grant drift, domain cost), each declaring its input marts in a
 * `-- inputs:` line so a missing mart skips the family instead of failing the run.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertError } from '../../../lib/errors.js';
import type { Database } from '../../../lib/lake/duckdb.js';

export const METRICS_DIR = dirname(fileURLToPath(import.meta.url));

export interface MetricPoint {
  readonly name: string;
  readonly unit: 'None' | 'Count';
  readonly value: number;
  readonly measuredAt: Date;
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface CollectedMetrics {
  readonly points: MetricPoint[];
  readonly skipped: string[];
}

export async function collectMetrics(db: Database, now: Date, dir: string = METRICS_DIR): Promise<CollectedMetrics> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const present = new Set(
    (await db.all<{ name: string }>('SELECT DISTINCT table_name AS name FROM information_schema.tables')).map((row) => row.name),
  );
  const points: MetricPoint[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const sql = await readFile(join(dir, file), 'utf8');
    const missing = inputsOf(sql).filter((input) => !present.has(input));
    if (missing.length > 0) {
      skipped.push(`${file.replace(/\.sql$/, '')} (missing ${missing.join(', ')})`);
      continue;
    }
    points.push(...(await runMetricQuery(db, file, sql, now)));
  }
  return { points, skipped };
}

function inputsOf(sql: string): string[] {
  const line = /^--\s*inputs:\s*(.+)$/m.exec(sql);
  return line
    ? (line[1] as string)
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    : [];
}

async function runMetricQuery(db: Database, file: string, sql: string, now: Date): Promise<MetricPoint[]> {
  let rows: Record<string, unknown>[];
  try {
    // DuckDB refuses parameters a statement does not use.
    rows = await db.all(sql, sql.includes('$now') ? { now: now.toISOString() } : {});
  } catch (cause) {
    throw new AlertError(`metric query ${file} failed`, { cause, context: { file: join(METRICS_DIR, file) } });
  }
  return rows.map((row) => ({
    name: String(row.metric_name),
    unit: row.unit === 'Count' ? 'Count' : 'None',
    value: typeof row.value === 'number' ? row.value : Number.NaN,
    measuredAt: new Date(String(row.measured_at)),
    dimensions: Object.fromEntries(
      [
        ['Domain', row.domain],
        ['Product', row.product],
      ].filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
    ),
  }));
}

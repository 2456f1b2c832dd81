/**
 * Read-only access to the marts for the dashboard data loaders.
 *
 * Each loader runs in its own process while the pipeline may still hold `meshwatch.duckdb` open
 * for writing (DuckDB allows one writing process and no reader beside it), so the loaders read the
 * marts' Parquet copies under `<lake>/marts/<mart>/` through an in-memory DuckDB. Only when a mart
 * has no Parquet do they fall back to attaching the database file read-only. A mart found in
 * neither place is reported as unavailable, and the page shows "no data yet" instead of failing.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LakeError } from '../../lib/errors.js';
import { type Database, openDatabase, quoteIdentifier, quoteLiteral, type SqlParams } from '../../lib/lake/duckdb.js';
import { lakeFromEnvironment } from './environment.js';
import { type QueryResult, runQuery } from './query.js';

export interface MartSelection extends QueryResult {
  readonly mart: string;
  readonly available: boolean;
}

/**
 * Runs `sql` (which reads the views named like the marts) against the lake's marts; see the module
 * comment. With several marts, the result is available only when every one of them is.
 */
export async function selectFromMart(
  marts: string | readonly string[],
  sql: string,
  params?: SqlParams,
  lake: string = lakeFromEnvironment(),
): Promise<MartSelection> {
  const names = typeof marts === 'string' ? [marts] : marts;
  const mart = names.join(', ');
  const db = await openDatabase(':memory:', { threads: 1 });
  try {
    for (const name of names) {
      if (!(await exposeMart(db, lake, name))) return { mart, available: false, columns: [], rows: [] };
    }
    return { mart, available: true, ...(await runQuery(db, sql, params)) };
  } finally {
    db.close();
  }
}

/** Names of the marts that have Parquet files under `<lake>/marts/`. */
export async function listMartsWithParquet(lake: string): Promise<string[]> {
  const entries = await readdirOrEmpty(join(lake, 'marts'));
  const marts: string[] = [];
  for (const entry of entries) {
    if (await hasParquet(join(lake, 'marts', entry))) marts.push(entry);
  }
  return marts.sort();
}

/** Creates a view `mart` over its Parquet, or over the DuckDB table; false when neither exists. */
export async function exposeMart(db: Database, lake: string, mart: string): Promise<boolean> {
  const view = quoteIdentifier(mart, 'mart name');
  const dir = join(lake, 'marts', mart);
  if (await hasParquet(dir)) {
    const glob = quoteLiteral(join(dir, '**', '*.parquet'));
    try {
      await db.run(`create or replace view ${view} as select * from read_parquet(${glob}, union_by_name = true)`);
    } catch (cause) {
      throw new LakeError(`the ${mart} mart cannot be read`, {
        cause,
        context: { file: dir },
        hint: 'rebuild the marts with `meshwatch transform`, then build the dashboards again',
      });
    }
    return true;
  }
  return exposeMartFromDatabaseFile(db, lake, mart);
}

async function exposeMartFromDatabaseFile(db: Database, lake: string, mart: string): Promise<boolean> {
  const file = join(lake, 'meshwatch.duckdb');
  try {
    await db.run(`attach if not exists ${quoteLiteral(file)} as lake_file (read_only)`);
  } catch (cause) {
    // Absent, or held open for writing by a running pipeline: the mart is simply not readable now.
    if (cause instanceof LakeError) return false;
    throw cause;
  }
  const found = await db.all(
    `select 1 from duckdb_tables() where database_name = 'lake_file' and table_name = $mart
     union all select 1 from duckdb_views() where database_name = 'lake_file' and view_name = $mart`,
    { mart },
  );
  if (found.length === 0) return false;
  const view = quoteIdentifier(mart, 'mart name');
  await db.run(`create or replace view ${view} as select * from lake_file.main.${view}`);
  return true;
}

async function hasParquet(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [] as string[];
    throw error;
  });
  return entries.some((entry) => entry.endsWith('.parquet'));
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
}

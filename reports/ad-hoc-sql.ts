/**
 * `meshwatch sql`: a read-only query surface confined to the lake. The limits are DuckDB's own, not
 * a scan of the query text:
 *
 *   - the catalogue is an in-memory database; the lake's DuckDB file (marts) is ATTACHed READ_ONLY,
 *     each mart is a TEMP view of its table there, and each raw dataset a TEMP view over its
 *     Parquet files (so datasets collected since the last transform are there too);
 *   - file access is limited to the lake's data folders (`allowed_directories`: each dataset folder
 *     and `marts/`), then `enable_external_access = false` closes everything else (other files,
 *     ATTACH, http), extensions are neither installed nor auto-loaded, and `lock_configuration`
 *     refuses any SET that would undo it;
 *   - exactly one statement runs, and only when DuckDB, having bound it, says it is a SELECT
 *     (DESCRIBE, SHOW, SUMMARIZE and PRAGMA table_info are SELECTs too). This refusal matters:
 *     DuckDB lets COPY … TO write into an allowed folder, and CREATE TABLE would land in the
 *     in-memory catalogue.
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, StatementType } from '@duckdb/node-api';
import { LakeError, type MeshwatchErrorOptions, UsageError } from '../lib/errors.js';
import { pathExists } from '../lib/lake/atomic.js';
import { quoteIdentifier, quoteLiteral, type Row, rowsOf } from '../lib/lake/duckdb.js';
import type { LakeLayout } from '../lib/lake/layout.js';
import { datasetScanSql, listDatasets } from '../lib/lake/views.js';
import { assertLakeExists } from './collected-period.js';

export interface QuerySurface {
  /** Folders the query may read: each dataset's and the marts'. */
  readonly allowedDirectories: readonly string[];
  /** Runs one read-only statement; throws a UsageError (exit 2) for anything else. */
  query(sql: string): Promise<Row[]>;
  close(): void;
}

export interface QuerySurfaceOptions {
  /** DuckDB memory_limit (the transforms' own), so one query cannot take the machine. */
  readonly memoryLimit?: string;
}

const LAKE_CHANGES = 'the lake changes only through collect and transform';
const LOCKED = 'the settings of this surface are locked';

/** Why a statement type is refused, in words a user can act on. */
const REFUSALS: Partial<Record<StatementType, string>> = {
  [StatementType.COPY]: 'COPY reads or writes files: to save a result, use --out FILE',
  [StatementType.EXPORT]: 'EXPORT DATABASE writes files: to save a result, use --out FILE',
  [StatementType.LOAD]: 'INSTALL and LOAD are refused: no extension is downloaded or loaded',
  [StatementType.EXTENSION]: 'extension statements are refused: no extension is downloaded or loaded',
  [StatementType.ATTACH]: 'ATTACH is refused: only the lake can be queried',
  [StatementType.DETACH]: 'DETACH is refused: only the lake can be queried',
  [StatementType.CREATE]: `CREATE is refused: ${LAKE_CHANGES}`,
  [StatementType.DROP]: `DROP is refused: ${LAKE_CHANGES}`,
  [StatementType.ALTER]: `ALTER is refused: ${LAKE_CHANGES}`,
  [StatementType.INSERT]: `INSERT is refused: ${LAKE_CHANGES}`,
  [StatementType.UPDATE]: `UPDATE is refused: ${LAKE_CHANGES}`,
  [StatementType.DELETE]: `DELETE is refused: ${LAKE_CHANGES}`,
  [StatementType.SET]: `SET, RESET and USE are refused: ${LOCKED}`,
  [StatementType.VARIABLE_SET]: `SET VARIABLE is refused: ${LOCKED}`,
};

/**
 * The statement type a leading keyword announces. DuckDB reports a statement's type only once it
 * is bound, and binding `COPY … TO '/tmp/x'` or `INSERT INTO <view>` already fails with a
 * permission or catalogue error that hides what was refused; these are refused before binding,
 * with their own message. The keyword only chooses that message: the statement type DuckDB
 * reports after binding (SELECT or nothing) and its own limits are what enforce the surface.
 */
const LEADING_KEYWORDS: Readonly<Record<string, StatementType>> = {
  COPY: StatementType.COPY,
  EXPORT: StatementType.EXPORT,
  INSTALL: StatementType.LOAD,
  LOAD: StatementType.LOAD,
  FORCE: StatementType.LOAD,
  UPDATE_EXTENSIONS: StatementType.EXTENSION,
  ATTACH: StatementType.ATTACH,
  DETACH: StatementType.DETACH,
  CREATE: StatementType.CREATE,
  DROP: StatementType.DROP,
  ALTER: StatementType.ALTER,
  INSERT: StatementType.INSERT,
  UPDATE: StatementType.UPDATE,
  DELETE: StatementType.DELETE,
  TRUNCATE: StatementType.DELETE,
  SET: StatementType.SET,
  RESET: StatementType.SET,
  USE: StatementType.SET,
};

function leadingKeyword(sql: string): string {
  // Whitespace, comments and opening parentheses may come before the first word.
  const rest = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/, '');
  return (/^[A-Za-z_]+/.exec(rest)?.[0] ?? '').toUpperCase();
}

function refusal(type: StatementType): UsageError {
  const name = StatementType[type] ?? String(type);
  return new UsageError(`meshwatch sql is read-only: ${REFUSALS[type] ?? `a ${name} statement is refused`}`, {
    context: { statement: name },
    hint: SELECT_HINT,
  });
}

const SELECT_HINT =
  'only one SELECT runs (DESCRIBE, SHOW TABLES, SUMMARIZE and PRAGMA table_info too): e.g. meshwatch sql "select count(*) from cloudtrail"';

export async function openQuerySurface(layout: LakeLayout, options: QuerySurfaceOptions = {}): Promise<QuerySurface> {
  await assertLakeExists(layout);
  // DuckDB spills to its temp_directory and adds that folder to allowed_directories by itself (by
  // default `.tmp` in the working folder): a private empty folder of its own, removed on close.
  const spill = await mkdtemp(join(tmpdir(), 'meshwatch-sql-'));
  const settings: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    temp_directory: spill,
  };
  if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(':memory:', settings);
  } catch (error) {
    rmSync(spill, { recursive: true, force: true });
    throw error;
  }
  const connection = await instance.connect();
  const close = () => {
    connection.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  };
  try {
    const allowedDirectories = await prepareCatalogue(connection, layout);
    await lockDown(connection, allowedDirectories);
    return { allowedDirectories, query: (sql) => runReadOnly(connection, sql), close };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * Attaches the lake's database read-only and gives every mart (a table there) and every dataset a
 * TEMP view of its own name, so SHOW TABLES lists each once; returns the folders the views read.
 * The file's own dataset views are not used: they date from the last transform, and a dataset
 * collected since (or a lake moved elsewhere) would be missing or point at the wrong folder.
 */
async function prepareCatalogue(connection: DuckDBConnection, layout: LakeLayout): Promise<string[]> {
  await setup(connection, "SET TimeZone = 'UTC'");
  if (await pathExists(layout.databaseFile)) {
    await setup(connection, `ATTACH ${quoteLiteral(layout.databaseFile)} AS lake (READ_ONLY)`, {
      context: { file: layout.databaseFile },
      hint: 'another meshwatch process may hold the lake database open for writing; wait for it to finish',
    });
    const marts = rowsOf<{ name: string }>(
      await connection.runAndReadAll(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_catalog = 'lake' AND table_schema = 'main' AND table_type = 'BASE TABLE'",
      ),
    );
    for (const { name } of marts) {
      await setup(connection, `CREATE TEMP VIEW ${quoteIdentifier(name)} AS SELECT * FROM lake.main.${quoteIdentifier(name)}`);
    }
  }
  const datasets = await listDatasets(layout);
  for (const dataset of datasets) {
    await setup(
      connection,
      `CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(dataset.name)} AS SELECT * FROM ${datasetScanSql(dataset)}`,
      {
        context: { dataset: dataset.name, file: dataset.dir },
        hint: 'a file in this dataset folder is not one meshwatch wrote; move it out of the lake',
      },
    );
  }
  // A trailing separator: `cloudtrail/` must not also allow `cloudtrail_objects/` or `cloudtrail.bak`.
  return [...datasets.map((dataset) => dataset.dir), layout.martsDir].map((dir) => `${dir}/`);
}

/** DuckDB checks allowed_directories only once external access is off, so the order matters. */
async function lockDown(connection: DuckDBConnection, allowedDirectories: readonly string[]): Promise<void> {
  await setup(connection, `SET allowed_directories = [${allowedDirectories.map(quoteLiteral).join(', ')}]`);
  await setup(connection, 'SET enable_external_access = false');
  await setup(connection, 'SET lock_configuration = true');
}

async function setup(connection: DuckDBConnection, sql: string, about: Omit<MeshwatchErrorOptions, 'cause'> = {}): Promise<void> {
  try {
    await connection.run(sql);
  } catch (cause) {
    throw new LakeError(`cannot open the lake for queries: ${firstLine(cause)}`, { cause, ...about });
  }
}

async function runReadOnly(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  if (sql.trim() === '') throw new UsageError('no SQL statement given', { hint: SELECT_HINT });
  let statements: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
  try {
    statements = await connection.extractStatements(sql);
  } catch (cause) {
    throw queryError(cause, sql);
  }
  if (statements.count === 0) throw new UsageError('no SQL statement given', { hint: SELECT_HINT });
  if (statements.count > 1) {
    throw new UsageError(`meshwatch sql runs one statement at a time; this query has ${statements.count}`, {
      context: { statements: statements.count },
      hint: 'run each one with its own meshwatch sql, or combine them in one SELECT (WITH …, UNION ALL)',
    });
  }
  const announced = LEADING_KEYWORDS[leadingKeyword(sql)];
  if (announced !== undefined) throw refusal(announced);
  try {
    const prepared = await statements.prepare(0);
    if (prepared.statementType !== StatementType.SELECT) throw refusal(prepared.statementType);
    return rowsOf(await prepared.runAndReadAll());
  } catch (error) {
    throw error instanceof UsageError ? error : queryError(error, sql);
  }
}

/** DuckDB's refusals (a file outside the lake, a read-only catalogue) are the user's to fix: exit 2. */
function queryError(cause: unknown, sql: string): LakeError | UsageError {
  const message = firstLine(cause);
  const context = { sql: sql.length > 300 ? `${sql.slice(0, 300)}…` : sql };
  if (/^Permission Error/i.test(message)) {
    return new UsageError(`meshwatch sql is confined to the lake's datasets and marts: ${message}`, {
      cause,
      context,
      hint: 'query the tables and views by name (SHOW TABLES lists them); no other file or URL can be reached',
    });
  }
  if (/read-only mode/i.test(message)) {
    return new UsageError(`meshwatch sql is read-only: ${message}`, { cause, context, hint: SELECT_HINT });
  }
  return new LakeError(`query failed: ${(cause as Error).message}`, { cause, context });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;
}

/**
 * Runs models in dependency order in one DuckDB database: each model's rendered SELECT becomes a
 * table named like the model. Reports rows and time per model.
 *
 * Only marts are kept in the database file. Staging and intermediate models are TEMP tables: they
 * are read by later models in the same run and by nobody after it, and writing them to the file
 * (compressing every column, then checkpointing) cost more than computing them. With
 * `dropIntermediates`, each one is dropped as soon as the last model that reads it is built, so a
 * large run holds only what it still needs in memory.
 */
import { TransformError } from '../../lib/errors.js';
import { type Database, quoteIdentifier, quoteLiteral } from '../../lib/lake/duckdb.js';
import { enforceContract } from './contract.js';
import type { Model } from './model.js';
import { boundValues, type ParamValue } from './params.js';
import { parameterName, renderSql } from './template.js';
import { insertRows } from './typed-rows.js';

export interface ModelRun {
  readonly name: string;
  readonly rows: number;
  readonly ms: number;
  readonly isMart: boolean;
}

export interface BuildOptions {
  /** Models replaced by fixed rows (tests): created with the model's columns and filled with these rows. */
  readonly given?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  readonly onModel?: (run: ModelRun) => void;
  /** Drop each staging/intermediate table once every model that reads it is built (full runs). */
  readonly dropIntermediates?: boolean;
}

export async function buildModels(
  db: Database,
  ordered: readonly Model[],
  params: ReadonlyMap<string, ParamValue>,
  options: BuildOptions = {},
): Promise<ModelRun[]> {
  const runs: ModelRun[] = [];
  const lastReader = options.dropIntermediates ? lastReaderIndex(ordered) : new Map<string, number>();
  await dropStoredIntermediates(db, ordered);
  for (const [index, model] of ordered.entries()) {
    const started = performance.now();
    const given = options.given?.[model.name];
    await buildModel(db, model, params, given);
    await enforceContract(db, model);
    const [count] = await db.all<{ rows: number }>(`SELECT count(*)::BIGINT AS rows FROM ${quoteIdentifier(model.name)}`);
    const run = {
      name: model.name,
      rows: Number(count?.rows ?? 0),
      ms: Math.round(performance.now() - started),
      isMart: model.isMart,
    };
    runs.push(run);
    options.onModel?.(run);
    for (const [name, last] of lastReader) {
      if (last === index) await db.run(`DROP TABLE IF EXISTS temp.main.${quoteIdentifier(name)}`);
    }
  }
  return runs;
}

/** For each non-mart model read by a later model: the position of the last model that reads it. */
export function lastReaderIndex(ordered: readonly Model[]): Map<string, number> {
  const marts = new Set(ordered.filter((model) => model.isMart).map((model) => model.name));
  const last = new Map<string, number>();
  for (const [index, model] of ordered.entries()) {
    for (const ref of model.refs) if (!marts.has(ref)) last.set(ref, index);
  }
  return last;
}

/**
 * Earlier versions stored staging and intermediate models in the database file; a stored table
 * of a model's name would hide nothing (TEMP tables are found first) but would keep its space.
 */
async function dropStoredIntermediates(db: Database, ordered: readonly Model[]): Promise<void> {
  const names = ordered.filter((model) => !model.isMart).map((model) => model.name);
  if (names.length === 0) return;
  const stored = await db.all<{ catalog: string; name: string }>(
    `SELECT database_name AS catalog, table_name AS name FROM duckdb_tables()
     WHERE NOT temporary AND schema_name = 'main' AND list_contains(CAST(CAST($names AS JSON) AS VARCHAR[]), table_name)`,
    { names: JSON.stringify(names) },
  );
  for (const table of stored) {
    await db.run(`DROP TABLE IF EXISTS ${quoteIdentifier(table.catalog)}.main.${quoteIdentifier(table.name)}`);
  }
}

async function buildModel(
  db: Database,
  model: Model,
  params: ReadonlyMap<string, ParamValue>,
  given: readonly Record<string, unknown>[] | undefined,
): Promise<void> {
  const select = renderSql(model.sql, params, model.sqlFile).trim().replace(/;\s*$/, '');
  const table = quoteIdentifier(model.name);
  const body = given ? `SELECT * FROM (${select}) LIMIT 0` : select;
  const create = model.isMart ? `CREATE OR REPLACE TABLE ${table}` : `CREATE OR REPLACE TEMP TABLE ${table}`;
  const settings = Object.entries(model.metadata.settings);
  try {
    for (const [name, value] of settings) await db.run(`SET ${name} = ${settingLiteral(value)}`);
    await db.run(`${create} AS ${body}`, boundValues(model.params, params, parameterName));
  } catch (cause) {
    throw new TransformError(`model ${model.name} failed: ${(cause as Error).message}`, {
      cause,
      context: { file: model.sqlFile },
      hint: 'run meshwatch transform --test to check the models against their fixed rows',
    });
  } finally {
    for (const [name] of settings) await db.run(`RESET ${name}`);
  }
  if (given) await insertRows(db, model.name, given);
}

function settingLiteral(value: string | number | boolean): string {
  return typeof value === 'string' ? quoteLiteral(value) : String(value);
}

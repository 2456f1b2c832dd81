/**
 * Runs models in dependency order in one DuckDB database: each model's rendered SELECT becomes a
 * table named like the model. Reports rows and time per model.
 */
import { TransformError } from '../../lib/errors.js';
import { type Database, quoteIdentifier } from '../../lib/lake/duckdb.js';
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
}

export async function buildModels(
  db: Database,
  ordered: readonly Model[],
  params: ReadonlyMap<string, ParamValue>,
  options: BuildOptions = {},
): Promise<ModelRun[]> {
  const runs: ModelRun[] = [];
  for (const model of ordered) {
    const started = performance.now();
    const given = options.given?.[model.name];
    await buildModel(db, model, params, given);
    const [count] = await db.all<{ rows: number }>(`SELECT count(*)::BIGINT AS rows FROM ${quoteIdentifier(model.name)}`);
    const run = {
      name: model.name,
      rows: Number(count?.rows ?? 0),
      ms: Math.round(performance.now() - started),
      isMart: model.isMart,
    };
    runs.push(run);
    options.onModel?.(run);
  }
  return runs;
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
  try {
    await db.run(`DROP TABLE IF EXISTS ${table}`);
    await db.run(`CREATE TABLE ${table} AS ${body}`, boundValues(model.params, params, parameterName));
  } catch (cause) {
    throw new TransformError(`model ${model.name} failed: ${(cause as Error).message}`, {
      cause,
      context: { file: model.sqlFile },
      hint: 'run meshwatch transform --test to check the models against their fixed rows',
    });
  }
  if (given) await insertRows(db, model.name, given);
}

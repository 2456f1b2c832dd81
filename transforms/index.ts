/**
 * The transform stage: builds every model (staging → marts) in the lake's DuckDB file, publishes
 * each mart as Parquet under `lake/marts/<mart>/`, and reports rows and time per model.
 *
 *   transform(ctx)      always runs (meshwatch transform)
 *   ensureMarts(ctx)    runs only when the marts are not current (runner/marts-freshness.ts: the
 *                       datasets, the models, a model-relevant config value or `now` changed);
 *                       every reader calls it, `meshwatch run` too
 *   testModels(ctx)     runs every model's fixed-rows tests (meshwatch transform --test)
 */
import type { RunContext, StageResult } from '../lib/context.js';
import { TransformError } from '../lib/errors.js';
import { type Database, quoteLiteral } from '../lib/lake/duckdb.js';
import { buildModels, type ModelRun } from './runner/build.js';
import { assertDataTestsPass, runDataTests } from './runner/data-tests.js';
import { type FixedRowsResult, runAllFixedRowsTests } from './runner/fixed-rows.js';
import { orderModels } from './runner/graph.js';
import { createMacros, loadMacros } from './runner/macros.js';
import { freshnessInputs, martsFreshness, modelNow, recordMartsBuilt, staleMartsError } from './runner/marts-freshness.js';
import { contractColumns, loadModels, type Model } from './runner/model.js';
import { paramsFromConfig } from './runner/params.js';
import { publishMart } from './runner/publish.js';
import { createSourceTables } from './runner/source-tables.js';
import { sourceDefinition } from './runner/sources.js';
import { sourceTableName } from './runner/template.js';
import { insertRows } from './runner/typed-rows.js';

export type { ModelRun } from './runner/build.js';
export type { FixedRowsResult } from './runner/fixed-rows.js';
export { StaleMartsError } from './runner/marts-freshness.js';

export interface TransformOptions {
  /** Only these models (and what they depend on); default all. */
  readonly models?: readonly string[];
  /** Called after each model is built (benchmarks record per-model times). */
  readonly onModel?: (run: ModelRun) => void;
}

export async function transform(ctx: RunContext, options: TransformOptions = {}): Promise<StageResult> {
  const models = orderModels(await loadModels());
  const macros = await loadMacros();
  // What the marts are built from, taken before the build: data that lands meanwhile makes them stale.
  const inputs = await freshnessInputs(ctx);
  const db = await ctx.openLakeDatabase();
  const notes: string[] = [];
  const outputs: { name: string; rows: number; path?: string }[] = [];
  try {
    // Marts carry no row order, so DuckDB may build them in parallel without keeping one.
    await db.run("SET TimeZone = 'UTC'; SET preserve_insertion_order = false");
    // Bounded memory: the staging and intermediate tables live in memory while they are needed, and
    // DuckDB's own default (80% of RAM) let a 10M-event run take 12 GB. Beyond the limit it spills.
    await db.run(`SET memory_limit = ${quoteLiteral(ctx.config.transforms.memory_limit)}`);
    await createMacros(db, macros);
    const sources = await createSourceTables(db, (source) =>
      source.kind === 'config' ? loadConfigRows(db, ctx, source.name) : undefined,
    );
    const missing = sources.filter((source) => !source.present && sourceDefinition(source.name)?.kind === 'dataset');
    if (missing.length > 0) {
      notes.push(`no data for ${missing.map((source) => source.name).join(', ')}: their staging models are empty`);
    }
    const runs = await buildModels(db, models, paramsFromConfig(ctx.config, modelNow(ctx.now)), {
      dropIntermediates: true,
      onModel: (run) => {
        ctx.logger.info(`transform: ${run.name} ${run.rows} rows in ${run.ms} ms`);
        options.onModel?.(run);
      },
    });
    await checkMartData(db, models);
    for (const run of runs) {
      if (!run.isMart) continue;
      const path = await publishMart(db, ctx.layout, run.name);
      outputs.push({ name: run.name, rows: run.rows, path });
    }
    const total = runs.reduce((sum, run) => sum + run.ms, 0);
    const slowest = [...runs].sort((a, b) => b.ms - a.ms).slice(0, 3);
    notes.push(
      `${runs.length} models in ${(total / 1000).toFixed(1)} s (slowest: ${slowest.map((run) => `${run.name} ${run.ms} ms`).join(', ')})`,
    );
    await db.run('CHECKPOINT');
  } finally {
    db.close();
  }
  await recordMartsBuilt(ctx, inputs, {
    marts: outputs.map((output) => output.name),
    files: [ctx.layout.databaseFile, ...outputs.flatMap((output) => (output.path ? [output.path] : []))],
  });
  return { stage: 'transform', outputs, notes, warnings: 0 };
}

/** Runs every mart's declared data tests on the built tables; fails the transform before anything is published. */
async function checkMartData(db: Database, models: readonly Model[]): Promise<void> {
  const columns = models
    .filter((model) => model.isMart)
    .flatMap((model) =>
      (contractColumns(model) ?? []).map((column) => ({
        model: model.name,
        column: column.name,
        tests: column.data_tests ?? [],
      })),
    );
  const total = columns.reduce((sum, column) => sum + column.tests.length, 0);
  assertDataTestsPass(await runDataTests(db, columns), total);
}

export interface EnsureMartsOptions {
  /** What to do when the marts are not current: rebuild them (default) or refuse (`--no-transform`). */
  readonly ifStale?: 'rebuild' | 'refuse';
}

/** A command's `--no-transform` flag (commander gives `transform: false`) as the policy for stale marts. */
export function ifStaleFromFlag(transform: boolean | undefined): 'rebuild' | 'refuse' {
  return transform === false ? 'refuse' : 'rebuild';
}

/**
 * Brings the marts up to date before a reader uses them: nothing when they are current (returns
 * undefined), else the transform's result; with `ifStale: 'refuse'` a StaleMartsError naming why.
 */
export async function ensureMarts(ctx: RunContext, options: EnsureMartsOptions = {}): Promise<StageResult | undefined> {
  const freshness = await martsFreshness(ctx);
  if (freshness.current) {
    ctx.logger.debug('transform: marts are current');
    return undefined;
  }
  if (options.ifStale === 'refuse') throw staleMartsError(ctx, freshness);
  ctx.logger.info(`transform: rebuilding the marts (${freshness.reasons.join('; ')})`);
  return transform(ctx);
}

/** Runs every model's fixed-rows tests; throws a TransformError naming the failures. */
export async function testModels(ctx: RunContext): Promise<FixedRowsResult[]> {
  const models = await loadModels();
  const results = await runAllFixedRowsTests(models, paramsFromConfig(ctx.config, ctx.now));
  for (const result of results) {
    ctx.logger.info(`${result.passed ? 'ok  ' : 'FAIL'} ${result.model}: ${result.test}`);
    if (!result.passed) {
      ctx.logger.info(
        result.message ?? `  expected ${JSON.stringify(result.expected)}\n  actual   ${JSON.stringify(result.actual)}`,
      );
    }
  }
  const failed = results.filter((result) => !result.passed);
  if (failed.length > 0) {
    throw new TransformError(`${failed.length} of ${results.length} fixed-rows model tests failed`, {
      context: { models: [...new Set(failed.map((result) => result.model))].join(',') },
      hint: 'compare expected and actual rows above; fix the model SQL or its .yml test',
    });
  }
  return results;
}

export async function listModels(): Promise<Model[]> {
  return orderModels(await loadModels());
}

async function loadConfigRows(db: Database, ctx: RunContext, source: string): Promise<void> {
  const table = sourceTableName(source);
  if (source === 'config_accounts') {
    await insertRows(
      db,
      table,
      ctx.config.organization.accounts.map((account) => ({
        account_id: account.id,
        account_name: account.name,
        domain: account.domain,
        account_kind: account.kind,
      })),
    );
  } else if (source === 'config_regions') {
    await insertRows(
      db,
      table,
      ctx.config.regions.map((region) => ({ region })),
    );
  }
}

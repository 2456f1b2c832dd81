/** The closing summary of collect/transform/run: what was written, how many rows, where to look. */
import type { RunContext, StageResult } from '../lib/context.js';
import { listDatasets } from '../lib/lake/views.js';

export async function printStageResults(ctx: RunContext, results: readonly StageResult[]): Promise<void> {
  const { logger, layout } = ctx;
  for (const result of results) {
    for (const note of result.notes) logger.info(`${result.stage}: ${note}`);
  }
  const outputs = results.flatMap((result) => result.outputs.map((output) => ({ stage: result.stage, ...output })));
  if (outputs.length > 0) {
    const width = Math.max(...outputs.map((output) => output.name.length));
    logger.info('written:');
    for (const output of outputs) {
      logger.info(
        `  ${output.name.padEnd(width)}  ${String(output.rows).padStart(9)} rows${output.path ? `  ${output.path}` : ''}`,
      );
    }
  }
  const datasets = await listDatasets(layout);
  logger.info(`lake: ${layout.root} (${datasets.length} datasets)`);
  logger.info(`duckdb: ${layout.databaseFile}  (try: meshwatch sql "show tables")`);
  printProblems(ctx, results);
}

/**
 * Every problem the stages counted, by name and count (`cloudtrail: 3 object(s) quarantined whole
 * in … (not_json 2, truncated_gzip 1)`). A stage that counts problems without naming them has its
 * notes repeated here: with --quiet they were not printed above.
 */
function printProblems({ logger }: RunContext, results: readonly StageResult[]): void {
  const total = results.reduce((sum, result) => sum + result.warnings, 0);
  if (total === 0) return;
  logger.warn(`${total} problem(s) did not stop the run:`);
  for (const result of results) {
    if (result.warnings === 0) continue;
    const named = result.problems ?? [];
    for (const problem of named) logger.warn(`  ${result.stage}: ${problem.count} ${problem.what}`);
    if (named.length === 0) {
      const notes = result.notes.length > 0 ? `; its notes: ${result.notes.join('; ')}` : ' (the stage named none)';
      logger.warn(`  ${result.stage}: ${result.warnings} problem(s)${notes}`);
    }
  }
}

/** Stages read per account × region in which every scope failed, and those in which some did. */
export function scopeFailures(results: readonly StageResult[]): { all: StageResult[]; some: StageResult[] } {
  const failed = results.filter((result) => (result.scopes?.failed ?? 0) > 0);
  const all = failed.filter((result) => result.scopes && result.scopes.failed >= result.scopes.total);
  return { all, some: failed.filter((result) => !all.includes(result)) };
}

/** `collect glue: 3 of 30` */
export function describeScopeFailure(result: StageResult): string {
  return `${result.stage}: ${result.scopes?.failed ?? 0} of ${result.scopes?.total ?? 0}`;
}

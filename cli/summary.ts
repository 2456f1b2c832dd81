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
  const warnings = results.reduce((sum, result) => sum + result.warnings, 0);
  if (warnings > 0) logger.warn(`${warnings} problem(s) did not stop the run; see the messages above`);
}

import type { Command } from 'commander';
import { withLakeLock } from '../../lib/lake/lock.js';
import { testModels, transform } from '../../transforms/index.js';
import { contextFor } from '../context.js';
import { printStageResults } from '../summary.js';

export function register(program: Command): void {
  program
    .command('transform')
    .description('build the DuckDB models (staging → marts) from the collected datasets')
    .option('--test', "run every model's fixed-rows tests instead of building the marts")
    .action(async (flags: { test?: boolean }, command: Command) => {
      const ctx = await contextFor(command);
      if (flags.test) {
        const results = await testModels(ctx);
        ctx.logger.info(`${results.length} fixed-rows model tests passed`);
        return;
      }
      await withLakeLock(ctx, 'transform', async () => printStageResults(ctx, [await transform(ctx)]));
    });
}

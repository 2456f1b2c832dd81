import type { Command } from 'commander';
import { withLakeLock } from '../../lib/lake/lock.js';
import { contextFor } from '../context.js';
import { runPipeline } from '../pipeline.js';
import { printStageResults } from '../summary.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('the whole pipeline: collect → transform → publish (reports, alerts, dashboards); unchanged stages are skipped')
    .action(async (_flags: unknown, command: Command) => {
      const ctx = await contextFor(command);
      await withLakeLock(ctx, 'run', async () => {
        const results = await runPipeline(ctx);
        await printStageResults(ctx, results);
      });
    });
}

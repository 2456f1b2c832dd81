import type { Command } from 'commander';
import { collect } from '../../ingest/index.js';
import { withLakeLock } from '../../lib/lake/lock.js';
import { publish } from '../../reports/index.js';
import { transform } from '../../transforms/index.js';
import { contextFor } from '../context.js';
import { printStageResults } from '../summary.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('the whole pipeline: collect → transform → publish (reports, alerts, dashboards)')
    .action(async (_flags: unknown, command: Command) => {
      const ctx = await contextFor(command);
      await withLakeLock(ctx, 'run', async () => {
        const results = [...(await collect(ctx)), await transform(ctx), ...(await publish(ctx))];
        await printStageResults(ctx, results);
      });
    });
}

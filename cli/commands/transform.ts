import type { Command } from 'commander';
import { transform } from '../../transforms/index.js';
import { contextFor } from '../context.js';
import { printStageResults } from '../summary.js';

export function register(program: Command): void {
  program
    .command('transform')
    .description('build the DuckDB models (staging → marts) from the collected datasets')
    .action(async (_flags: unknown, command: Command) => {
      const ctx = await contextFor(command);
      await printStageResults(ctx, [await transform(ctx)]);
    });
}

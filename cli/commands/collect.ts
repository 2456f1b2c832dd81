import type { Command } from 'commander';
import { collect } from '../../ingest/index.js';
import { withLakeLock } from '../../lib/lake/lock.js';
import { parseWindow } from '../../lib/time/window.js';
import { contextFor } from '../context.js';
import { printStageResults } from '../summary.js';

interface CollectFlags {
  readonly since?: string;
  readonly until?: string;
  readonly account?: string[];
  readonly region?: string[];
  readonly source?: string[];
}

export function register(program: Command): void {
  program
    .command('collect')
    .description('pull CloudTrail and the AWS APIs into the lake as partitioned Parquet')
    .option('--since <time>', 'collect events from this time (e.g. 2026-10-01, 7d)')
    .option('--until <time>', 'collect events before this time')
    .option('--account <id...>', 'only these accounts')
    .option('--region <name...>', 'only these regions')
    .option('--source <name...>', 'only these sources (cloudtrail, lakeformation, glue, athena, cost_explorer, organizations)')
    .action(async (flags: CollectFlags, command: Command) => {
      const ctx = await contextFor(command);
      const window = flags.since || flags.until ? parseWindow(flags, ctx.now, '90d') : undefined;
      await withLakeLock(ctx, 'collect', async () => {
        const results = await collect(ctx, {
          ...(window ? { since: window.since, until: window.until } : {}),
          ...(flags.account ? { accounts: flags.account } : {}),
          ...(flags.region ? { regions: flags.region } : {}),
          ...(flags.source ? { only: flags.source } : {}),
        });
        await printStageResults(ctx, results);
      });
    });
}

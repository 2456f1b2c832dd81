import type { Command } from 'commander';
import { collect } from '../../ingest/index.js';
import type { StageResult } from '../../lib/context.js';
import { CollectorError } from '../../lib/errors.js';
import { withLakeLock } from '../../lib/lake/lock.js';
import type { Logger } from '../../lib/log.js';
import { parseWindow } from '../../lib/time/window.js';
import { contextFor } from '../context.js';
import { describeScopeFailure, printStageResults, scopeFailures } from '../summary.js';

interface CollectFlags {
  readonly since?: string;
  readonly until?: string;
  readonly account?: string[];
  readonly region?: string[];
  readonly source?: string[];
  readonly strict?: boolean;
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
    .option('--strict', 'exit 1 when any account × region of a source failed (default: only when all of a source did)')
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
        failOnScopeFailures(ctx.logger, results, Boolean(flags.strict));
      });
    });
}

/**
 * Exit 1 when every account × region of a source failed (nothing of it was collected), or with
 * --strict when any did; otherwise a partial failure is a warning with its counts, and exit 0.
 */
function failOnScopeFailures(logger: Logger, results: readonly StageResult[], strict: boolean): void {
  const { all, some } = scopeFailures(results);
  for (const result of some) {
    logger.warn(
      `${describeScopeFailure(result)} account-region(s) failed, the others were collected` +
        (strict ? '' : ' (exit 0; --strict makes this exit 1)'),
    );
  }
  if (all.length === 0 && (!strict || some.length === 0)) return;
  const failed = [
    ...all.map((result) => `${describeScopeFailure(result)} (all)`),
    ...(strict ? some.map(describeScopeFailure) : []),
  ];
  throw new CollectorError(`account-regions failed: ${failed.join(', ')}`, {
    hint:
      all.length > 0
        ? 'nothing of that source was collected: check its role and permissions (collection_errors says what failed), then run collect again'
        : 'collection_errors says what failed; fix it and run collect again, or drop --strict to accept a partial collection',
  });
}

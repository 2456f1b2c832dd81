/**
 * The collect stage: runs every configured source. A source that is not configured is skipped
 * with one line; a source that fails is reported and the others still run (partial failure is
 * not total failure), and the stage then ends with a CollectorError so the exit code says so.
 * A source that reaches its deadline (or the run's) keeps what it collected and counts as failed;
 * sources not started before the run deadline are not started (collect-deadlines.ts).
 */
import type { RunContext, StageResult } from '../lib/context.js';
import { CollectorError, describeError } from '../lib/errors.js';
import { type Deadline, deadlineReached } from './aws/deadline.js';
import { startRunDeadline, startSourceDeadline } from './collect-deadlines.js';
import type { CollectOptions } from './source.js';
import { sourceCollectors } from './sources.js';

export type { CollectOptions } from './source.js';

export interface CollectStageOptions extends CollectOptions {
  /** Run only these sources (names as under `sources:`). */
  readonly only?: readonly string[];
}

export async function collect(ctx: RunContext, options: CollectStageOptions = {}): Promise<StageResult[]> {
  const results: StageResult[] = [];
  const failures: string[] = [];
  const selected = sourceCollectors.filter((source) => !options.only || options.only.includes(source.name));
  const run = startRunDeadline(ctx.config);
  for (const source of selected) {
    if (ctx.config.sources[source.name] === undefined) {
      ctx.logger.info(`${source.name}: skipped (sources.${source.name} is not configured)`);
      continue;
    }
    const runOver = deadlineReached(run.signal);
    if (runOver) {
      failures.push(source.name);
      ctx.logger.error(`${source.name}: not started — ${runOver.message}`);
      continue;
    }
    let deadline: Deadline | undefined;
    try {
      const collector = await source.load();
      // Started once the collector's code is loaded: the deadline bounds its work, not the import.
      deadline = startSourceDeadline(ctx.config, source.name, run.signal);
      results.push(await collector.collect(ctx, { ...options, signal: deadline.signal }));
    } catch (error) {
      failures.push(source.name);
      const stopped = deadlineReached(deadline?.signal);
      const description = describeError(error, { verbose: ctx.logger.level === 'verbose' });
      ctx.logger.error(`${source.name}: ${stopped ? `stopped — ${stopped.message}: ` : 'failed — '}${description}`);
      continue;
    } finally {
      deadline?.cancel();
    }
    const stopped = deadlineReached(deadline?.signal);
    if (stopped) {
      failures.push(source.name);
      ctx.logger.error(`${source.name}: stopped — ${stopped.message}; what it collected is written (see collection_errors)`);
    }
  }
  run.cancel();
  if (failures.length > 0) {
    const cutShort = deadlineReached(run.signal) ? '; the run deadline stopped it early' : '';
    throw new CollectorError(`collection failed for ${failures.join(', ')} (other sources were collected${cutShort})`, {
      context: { source: failures.join(',') },
      hint: 'see the messages above; fix the source and run meshwatch collect again (it resumes where it stopped)',
    });
  }
  return results;
}

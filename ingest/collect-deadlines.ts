/**
 * The collect stage's deadlines (config network.run_deadline_seconds, network.source_deadline_seconds):
 * one for the whole stage and one per source, each source's aborting with the run's too. The
 * signal goes to the collector as `options.signal`; what a deadline stopped is said in one line.
 */
import type { MeshwatchConfig } from '../lib/config/schema.js';
import { type Deadline, DeadlineError, startDeadline } from './aws/deadline.js';
import { networkBounds } from './aws/network-bounds.js';

export function startRunDeadline(config: Pick<MeshwatchConfig, 'network'>): Deadline {
  const seconds = config.network.run_deadline_seconds;
  return startDeadline(
    networkBounds(config).runDeadlineMs,
    () =>
      new DeadlineError('RunDeadlineExceeded', `the run deadline of ${seconds} s (network.run_deadline_seconds) was reached`, {
        hint: 'what was collected is in the lake; run meshwatch collect again to continue, or raise network.run_deadline_seconds',
      }),
  );
}

export function startSourceDeadline(config: Pick<MeshwatchConfig, 'network'>, source: string, run: AbortSignal): Deadline {
  const seconds = config.network.source_deadline_seconds;
  return startDeadline(
    networkBounds(config).sourceDeadlineMs,
    () =>
      new DeadlineError(
        'SourceDeadlineExceeded',
        `the ${source} source deadline of ${seconds} s (network.source_deadline_seconds) was reached`,
        {
          context: { source },
          hint: 'what was collected is in the lake; run meshwatch collect again to continue, or raise network.source_deadline_seconds',
        },
      ),
    run,
  );
}

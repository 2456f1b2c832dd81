/**
 * The collect stage: runs every configured source. A source that is not configured is skipped
 * with one line; a source that fails is reported and the others still run (partial failure is
 * not total failure), and the stage then ends with a CollectorError so the exit code says so.
 */
import type { RunContext, StageResult } from '../lib/context.js';
import { CollectorError, describeError } from '../lib/errors.js';
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
  for (const source of selected) {
    if (ctx.config.sources[source.name] === undefined) {
      ctx.logger.info(`${source.name}: skipped (sources.${source.name} is not configured)`);
      continue;
    }
    try {
      const collector = await source.load();
      results.push(await collector.collect(ctx, options));
    } catch (error) {
      failures.push(source.name);
      ctx.logger.error(`${source.name}: failed — ${describeError(error, { verbose: ctx.logger.level === 'verbose' })}`);
    }
  }
  if (failures.length > 0) {
    throw new CollectorError(`collection failed for ${failures.join(', ')} (other sources were collected)`, {
      context: { source: failures.join(',') },
      hint: 'see the messages above; fix the source and run meshwatch collect again (it resumes where it stopped)',
    });
  }
  return results;
}

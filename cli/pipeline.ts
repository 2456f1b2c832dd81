/**
 * `meshwatch run`: collect → transform → publish, each stage skipping what has not changed, and
 * saying so: collect keeps unchanged files in place (its manifests and the writers' comparison), the
 * transform runs only when the marts are not current (transforms/runner/marts-freshness.ts), and
 * publish rebuilds the bundle and the site only when what they are built from changed.
 */
import { collect } from '../ingest/index.js';
import type { RunContext, StageResult } from '../lib/context.js';
import { publish } from '../reports/index.js';
import { ensureMarts } from '../transforms/index.js';
import { freshnessInputs } from '../transforms/runner/marts-freshness.js';

export async function runPipeline(ctx: RunContext): Promise<StageResult[]> {
  const before = (await freshnessInputs(ctx)).datasets;
  const collected = await collect(ctx);
  const unchanged = (await freshnessInputs(ctx)).datasets === before;
  const transformed = await ensureMarts(ctx);
  return [
    ...collected,
    ...(unchanged ? [note('collect', "nothing new from any source: the lake's datasets are unchanged")] : []),
    transformed ?? note('transform', 'marts current (datasets, config, models and now unchanged), skipped'),
    ...(await publish(ctx)),
  ];
}

function note(stage: string, line: string): StageResult {
  return { stage, outputs: [], notes: [line], warnings: 0 };
}

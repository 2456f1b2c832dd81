/**
 * The publish stage, after the transforms: the report bundle (files the dashboards and alerts
 * read), then the alerts, then the dashboards site. A step that fails is reported and the later
 * steps still run (on-call must be paged even when the site cannot be built); the stage then ends
 * with a ReportError so the exit code says something went wrong. The bundle and the site are
 * rebuilt only when what they are built from changed since their last build (publish-stamps.ts);
 * the alerts always run (snoozes expire, re-notifications fall due, the outbox is retried).
 */
import { buildDashboards } from '../dashboards/build.js';
import type { RunContext, StageResult } from '../lib/context.js';
import { describeError, ReportError } from '../lib/errors.js';
import { ensureMartsLocked } from '../transforms/ensure-marts-locked.js';
import { runAlerts } from './alerts/index.js';
import { writeReportBundle } from './bundle.js';
import { isPublished, publishKey, type StampedStep } from './publish-stamps.js';

interface PublishStep {
  readonly name: string;
  run(ctx: RunContext): Promise<StageResult>;
  /** Skipped when its inputs are those of its last build; `unchanged` says so in the summary. */
  readonly stamp?: { readonly step: StampedStep; readonly unchanged: string };
}

const PUBLISH_STEPS: readonly PublishStep[] = [
  {
    name: 'reports',
    run: writeReportBundle,
    stamp: { step: 'reports', unchanged: 'marts and config unchanged since the last bundle, skipped' },
  },
  { name: 'alerts', run: (ctx) => runAlerts(ctx) },
  {
    name: 'dashboards',
    // publish() has brought the marts up to date already.
    run: (ctx) => buildDashboards(ctx, { ensureMarts: false }),
    stamp: { step: 'dashboards', unchanged: 'marts, config, alerts and pages unchanged since the last build, skipped' },
  },
];

export async function publish(ctx: RunContext): Promise<StageResult[]> {
  // Every step reads the marts: one freshness check for all of them (a no-op right after a transform).
  const transformed = await ensureMartsLocked(ctx);
  const results: StageResult[] = transformed ? [transformed] : [];
  const failures: string[] = [];
  for (const step of PUBLISH_STEPS) {
    try {
      results.push(await runStep(ctx, step));
    } catch (error) {
      failures.push(step.name);
      ctx.logger.error(`${step.name}: failed — ${describeError(error, { verbose: ctx.logger.level === 'verbose' })}`);
    }
  }
  if (failures.length > 0) {
    throw new ReportError(`publishing failed for ${failures.join(', ')} (the other steps ran)`, {
      hint: 'see the messages above; the marts are built, so `meshwatch sql` and the report commands still work',
    });
  }
  return results;
}

/** Runs a step, or skips it when it was last built from what it would be built from now (the builder records that). */
async function runStep(ctx: RunContext, step: PublishStep): Promise<StageResult> {
  if (step.stamp && (await isPublished(ctx, step.stamp.step, await publishKey(ctx, step.stamp.step)))) {
    return { stage: step.name, outputs: [], notes: [step.stamp.unchanged], warnings: 0 };
  }
  return step.run(ctx);
}

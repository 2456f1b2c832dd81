/**
 * The publish stage, after the transforms: the report bundle (files the dashboards and alerts
 * read), then the alerts, then the dashboards site. A step that fails is reported and the later
 * steps still run (on-call must be paged even when the site cannot be built); the stage then ends
 * with a ReportError so the exit code says something went wrong.
 */
import { buildDashboards } from '../dashboards/build.js';
import type { RunContext, StageResult } from '../lib/context.js';
import { describeError, ReportError } from '../lib/errors.js';
import { ensureMarts } from '../transforms/index.js';
import { runAlerts } from './alerts/index.js';
import { writeReportBundle } from './bundle.js';

interface PublishStep {
  readonly name: string;
  run(ctx: RunContext): Promise<StageResult>;
}

const PUBLISH_STEPS: readonly PublishStep[] = [
  { name: 'reports', run: writeReportBundle },
  { name: 'alerts', run: (ctx) => runAlerts(ctx) },
  // publish() has brought the marts up to date already.
  { name: 'dashboards', run: (ctx) => buildDashboards(ctx, { ensureMarts: false }) },
];

export async function publish(ctx: RunContext): Promise<StageResult[]> {
  // Every step reads the marts: one freshness check for all of them (a no-op right after a transform).
  const transformed = await ensureMarts(ctx);
  const results: StageResult[] = transformed ? [transformed] : [];
  const failures: string[] = [];
  for (const step of PUBLISH_STEPS) {
    try {
      results.push(await step.run(ctx));
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

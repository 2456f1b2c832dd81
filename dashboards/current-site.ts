/**
 * Before `meshwatch dashboards serve`: the built site must show the current marts, like every other
 * reader (transforms/runner/marts-freshness.ts). Stale marts are rebuilt first, then a site built
 * from other marts, config, alerts or pages than the current ones is rebuilt; with `ifStale:
 * 'refuse'` (`--no-transform`) either one is an error that says why.
 */
import type { RunContext, StageResult } from '../lib/context.js';
import { isPublished, publishKey } from '../reports/publish-stamps.js';
import { ensureMartsLocked } from '../transforms/ensure-marts-locked.js';
import type { EnsureMartsOptions } from '../transforms/index.js';
import { buildDashboards } from './build.js';
import { DashboardError } from './framework.js';

export async function ensureCurrentSite(ctx: RunContext, options: EnsureMartsOptions = {}): Promise<StageResult[]> {
  const transformed = await ensureMartsLocked(ctx, options);
  if (await isPublished(ctx, 'dashboards', await publishKey(ctx, 'dashboards'))) return transformed ? [transformed] : [];
  if (options.ifStale === 'refuse') {
    throw new DashboardError(`the site in ${ctx.layout.siteDir} was not built from the current marts, config, alerts and pages`, {
      hint: 'run the command without --no-transform to rebuild it first, or run `meshwatch dashboards build`',
    });
  }
  ctx.logger.info('dashboards: the site is not current; rebuilding it before serving');
  return [...(transformed ? [transformed] : []), await buildDashboards(ctx, { ensureMarts: false })];
}

/**
 * `meshwatch dashboards dev`: Framework's live preview on the repository's own pages, so edits
 * to `dashboards/src` show at once. Loaders read the lake given by --lake/--config.
 */
import { join } from 'node:path';
import type { RunContext } from '../lib/context.js';
import { ensureMartsLocked } from '../transforms/ensure-marts-locked.js';
import type { EnsureMartsOptions } from '../transforms/index.js';
import { listProductDomains } from './domains.js';
import { frameworkEnvironment, runFrameworkPreview, siteInputs } from './framework.js';
import { prepareOfflineNpmCache } from './offline-cache.js';
import { DASHBOARDS_DIR } from './workspace-paths.js';

export async function runDashboardsDev(
  ctx: RunContext,
  port: number,
  freshness: EnsureMartsOptions = {},
): Promise<number | null> {
  await ensureMartsLocked(ctx, freshness);
  const domains = await listProductDomains(ctx.layout.root, ctx.logger);
  await prepareOfflineNpmCache(join(DASHBOARDS_DIR, 'src'));
  const env = frameworkEnvironment(siteInputs(ctx, domains));
  ctx.logger.info(`dashboards: live preview of ${ctx.layout.root} on http://127.0.0.1:${port}/ (Ctrl-C stops it)`);
  return runFrameworkPreview(DASHBOARDS_DIR, env, port);
}

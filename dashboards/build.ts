/**
 * `meshwatch dashboards build` and the publish stage's dashboards step: builds the Observable
 * Framework site from the lake's marts into `<lake>/site/`, with no network.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunContext, StageResult } from '../lib/context.js';
import { listFiles, pathExists } from '../lib/lake/atomic.js';
import { restrictModes } from '../lib/lake/file-modes.js';
import { publishKey, recordPublished } from '../reports/publish-stamps.js';
import { ensureMartsLocked } from '../transforms/ensure-marts-locked.js';
import type { EnsureMartsOptions } from '../transforms/index.js';
import { saveBundleCache, seedBundleCache } from './bundle-cache.js';
import { listProductDomains } from './domains.js';
import { frameworkEnvironment, runFrameworkBuild, siteInputs } from './framework.js';
import { createWorkspace } from './workspace.js';

export interface BuildDashboardsOptions extends EnsureMartsOptions {
  /**
   * Check the marts are current first (transforms' `ensureMarts`, which rebuilds them or, with
   * `ifStale: 'refuse'`, throws); default true. False for a caller that has just checked.
   */
  readonly ensureMarts?: boolean;
}

export async function buildDashboards(ctx: RunContext, options: BuildDashboardsOptions = {}): Promise<StageResult> {
  if (options.ensureMarts !== false) await ensureMartsLocked(ctx, options);
  // What this build reads, taken before it starts; recorded with the site once it is in place.
  const stampKey = await publishKey(ctx, 'dashboards');
  const { layout, logger } = ctx;
  const domains = await listProductDomains(layout.root, logger);
  const workspace = await createWorkspace(layout.tmpDir);
  let warnings = 0;
  try {
    const env = frameworkEnvironment(siteInputs(ctx, domains));
    logger.info(`dashboards: building the site from ${layout.root}`);
    const seeded = await seedBundleCache(workspace.srcDir);
    const { loaderErrors } = await runFrameworkBuild(workspace.projectDir, env, logger);
    if (!seeded) await saveBundleCache(workspace.srcDir);
    for (const line of loaderErrors) logger.warn(`dashboards: ${line.trim()}`);
    warnings = loaderErrors.length;
    await replaceSite(workspace.distDir, layout.siteDir, layout.tmpDir);
    await recordPublished(ctx, 'dashboards', stampKey, join(layout.siteDir, 'index.html'));
  } finally {
    await workspace.dispose();
  }
  const pages = (await listFiles(layout.siteDir)).filter((file) => file.endsWith('.html'));
  return {
    stage: 'dashboards',
    outputs: [{ name: 'site (pages)', rows: pages.length, path: join(layout.siteDir, 'index.html') }],
    notes: [
      `${pages.length} pages in ${layout.siteDir}; view with \`meshwatch dashboards serve\` (serve behind authentication: the site shows personal data)`,
    ],
    warnings,
  };
}

/** Swaps the new site in with two renames, so a reader sees the old site or the new, never a mix. */
async function replaceSite(builtDir: string, siteDir: string, tmpDir: string): Promise<void> {
  const retired = join(tmpDir, `site-retired-${process.pid}-${Date.now()}`);
  const hadSite = await pathExists(siteDir);
  // Framework copies its assets with their modes in node_modules (0644): narrowed before publishing.
  await restrictModes(builtDir);
  if (hadSite) await rename(siteDir, retired);
  await rename(builtDir, siteDir);
  if (hadSite) await rm(retired, { recursive: true, force: true });
}

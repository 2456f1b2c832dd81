/**
 * Framework bundles Plot, d3, Arrow and htl from node_modules into `.observablehq/cache/_node` on
 * every clean build (the slowest step after the loaders). The bundles depend only on the installed
 * packages, so one copy per package-lock is kept under the OS temp folder and seeded into each
 * build's workspace. A cache is published with one rename, so a reader never sees half of one.
 */
import { createHash } from 'node:crypto';
import { cp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathExists } from '../lib/lake/atomic.js';
import { REPOSITORY_DIR } from './workspace-paths.js';

export const BUNDLE_CACHE_ROOT = join(tmpdir(), 'meshwatch-dashboards-bundles');

async function cacheDir(): Promise<string> {
  const lock = await readFile(join(REPOSITORY_DIR, 'package-lock.json')).catch(() => Buffer.from('no-lock'));
  const key = createHash('sha256').update(lock).digest('hex').slice(0, 16);
  return join(BUNDLE_CACHE_ROOT, key);
}

function nodeBundlesOf(srcDir: string): string {
  return join(srcDir, '.observablehq', 'cache', '_node');
}

/** Copies cached bundles into the workspace; false when there is no cache yet. */
export async function seedBundleCache(srcDir: string): Promise<boolean> {
  const cached = await cacheDir();
  if (!(await pathExists(cached))) return false;
  await cp(cached, nodeBundlesOf(srcDir), { recursive: true });
  return true;
}

/** Keeps the bundles of a successful build for the next one (first writer wins). */
export async function saveBundleCache(srcDir: string): Promise<void> {
  const cached = await cacheDir();
  const bundles = nodeBundlesOf(srcDir);
  if ((await pathExists(cached)) || !(await pathExists(bundles))) return;
  const staging = `${cached}.${process.pid}.${Date.now()}.tmp`;
  await cp(bundles, staging, { recursive: true });
  await rename(staging, cached).catch(() => rm(staging, { recursive: true, force: true }));
}

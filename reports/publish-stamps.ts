/**
 * What the publish stage's report bundle and dashboards site were last built from, so `meshwatch
 * run` with nothing new skips rebuilding them (the site alone takes most of a minute). A step's key
 * hashes the marts' freshness fingerprint (datasets, model config, models, now: see
 * transforms/runner/marts-freshness.ts), the whole config, and what else the step reads (the
 * dashboards: the alert state and the pages' sources). Kept in `lake/_state/publish.json`.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DASHBOARDS_DIR, REPOSITORY_DIR } from '../dashboards/workspace-paths.js';
import type { RunContext } from '../lib/context.js';
import { listFiles, pathExists, writeFileAtomic } from '../lib/lake/atomic.js';
import { martsFreshness } from '../transforms/runner/marts-freshness.js';
import { alertStatePath } from './alerts/state-store.js';

export type StampedStep = 'reports' | 'dashboards';

const STAMPS_FILE = 'publish.json';
/** The alert rules' runbooks, which the site carries as pages. */
const RULES_DIR = join(REPOSITORY_DIR, 'reports', 'alerts', 'rules');

/** Per step: the key it was built from, the file that shows its output is there, and when. */
type Stamps = Partial<Record<StampedStep, { readonly key: string; readonly output: string; readonly built_at: string }>>;

/** The key of what `step` would be built from now. */
export async function publishKey(ctx: RunContext, step: StampedStep): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${step}\n${(await martsFreshness(ctx)).fingerprint}\n${JSON.stringify(ctx.config)}\n`);
  if (step === 'dashboards') {
    hash.update(await fileContent(alertStatePath(ctx.layout)));
    hash.update(await sourcesListing([join(DASHBOARDS_DIR, 'src'), join(DASHBOARDS_DIR, 'loaders'), RULES_DIR]));
    hash.update(await fileContent(join(DASHBOARDS_DIR, 'observablehq.config.js')));
  }
  return hash.digest('hex');
}

/** True when `step` was last built from `key` and its output is still in the lake. */
export async function isPublished(ctx: RunContext, step: StampedStep, key: string): Promise<boolean> {
  const stamp = (await readStamps(ctx))[step];
  // A stamp of another shape (an older meshwatch, a hand edit) counts as not published.
  if (stamp?.key !== key || typeof stamp.output !== 'string') return false;
  return pathExists(join(ctx.layout.root, stamp.output));
}

/** Records that `step` was built from `key`; `output` is a file it wrote (absolute, under the lake). */
export async function recordPublished(ctx: RunContext, step: StampedStep, key: string, output: string): Promise<void> {
  const stamps = await readStamps(ctx);
  const stamp = { key, output: relative(ctx.layout.root, output), built_at: new Date().toISOString() };
  await writeFileAtomic(ctx.layout.statePath(STAMPS_FILE), `${JSON.stringify({ ...stamps, [step]: stamp }, null, 2)}\n`);
}

async function readStamps(ctx: RunContext): Promise<Stamps> {
  try {
    return JSON.parse(await readFile(ctx.layout.statePath(STAMPS_FILE), 'utf8')) as Stamps;
  } catch {
    // Absent or unreadable: nothing counts as published, which only costs a rebuild.
    return {};
  }
}

async function fileContent(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Path, size and mtime of every file under `dirs` (Framework's own cache excluded). */
async function sourcesListing(dirs: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const dir of dirs) {
    for (const file of await listFiles(dir)) {
      if (file.includes(`${join('src', '.observablehq')}`)) continue;
      const info = await stat(file);
      lines.push(`${relative(REPOSITORY_DIR, file)}\t${info.size}\t${info.mtimeMs}`);
    }
  }
  return lines.join('\n');
}

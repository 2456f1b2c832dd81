/**
 * Keeps the Fargate task's local lake and the lake bucket in step. A task starts with an empty
 * disk: `pull` copies the lake down before meshwatch runs, `push` copies back what changed after.
 * What changed is decided by content (SHA-256 in a manifest object the sync writes last), not by
 * size or ETag: a rewritten DuckDB file can keep its size, and SSE-KMS ETags are not MD5s.
 * Keys come from the manifest object, which anyone who may write to the bucket can change: a key
 * that would land outside the local lake (`..`, an absolute path, NUL) is refused and reported,
 * never written (issue 24).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { listFiles, pathExists } from '../../lib/lake/atomic.js';
import { dirMode, fileMode } from '../../lib/lake/file-modes.js';
import { describeReason, printable, resolveUnder, unsafePathReason } from '../../lib/lake/safe-path.js';
import type { ObjectStore } from './object-store.js';

export { folderObjectStore } from './folder-object-store.js';

export const SYNC_MANIFEST_KEY = '_sync/manifest.json';

/**
 * Local paths never copied: staging for atomic writes is only meaningful during a run, `_sync/`
 * (manifest, lease) belongs to the sync — a stray local copy must never overwrite them — and the
 * local lake lock (lib/lake/lock.ts) names a process of one task: pulled into another container
 * it would block that task's meshwatch until someone deleted it.
 */
const LOCAL_ONLY = ['_tmp/', '_sync/', '_state/lake.lock'];

export type SyncManifest = Record<string, string>;

export interface SyncPlan {
  readonly copy: string[];
  readonly remove: string[];
}

export interface SyncReport extends SyncPlan {
  readonly unchanged: number;
  /** Keys not copied because their path would leave the target folder, with the reason. */
  readonly refused: readonly { readonly key: string; readonly reason: string }[];
}

/** Which keys to copy (new or different content) and which to remove (gone from the source). */
export function planSync(source: SyncManifest, target: SyncManifest, { removeExtra }: { removeExtra: boolean }): SyncPlan {
  const copy = Object.keys(source)
    .filter((key) => target[key] !== source[key])
    .sort();
  const remove = removeExtra
    ? Object.keys(target)
        .filter((key) => !(key in source))
        .sort()
    : [];
  return { copy, remove };
}

/** Copies the store's files into `dir` (a fresh task's empty lake, or one that is behind). */
export async function pull(store: ObjectStore, dir: string): Promise<SyncReport> {
  const remote = await readManifest(store);
  const local = await hashFolder(dir);
  const plan = planSync(remote, local, { removeExtra: false });
  const copied: string[] = [];
  const refused: { key: string; reason: string }[] = [];
  for (const key of plan.copy) {
    const unsafe = unsafePathReason(dir, key);
    if (unsafe) {
      refused.push({ key: printable(key), reason: `the key ${describeReason(unsafe)}` });
      continue;
    }
    copied.push(key);
    const body = await store.get(key);
    if (body === undefined) continue; // listed in the manifest but deleted since: nothing to copy
    const path = resolveUnder(dir, key);
    // Pulled before meshwatch (and its umask) runs: the lake's modes are set here (file-modes.ts).
    await mkdir(dirname(path), { recursive: true, mode: dirMode() });
    await writeFile(path, body, { mode: fileMode() });
  }
  return { copy: copied, remove: plan.remove, refused, unchanged: Object.keys(remote).length - plan.copy.length };
}

export interface PushOptions {
  /** Called before every write; throws to stop the push (the lake lease does when it was lost). */
  readonly beforeWrite?: () => void;
}

/** Copies changed files from `dir` to the store, removes the ones deleted locally, then the manifest. */
export async function push(store: ObjectStore, dir: string, options: PushOptions = {}): Promise<SyncReport> {
  const beforeWrite = options.beforeWrite ?? (() => undefined);
  const local = await hashFolder(dir);
  const remote = await readManifest(store);
  const plan = planSync(local, remote, { removeExtra: true });
  for (const key of plan.copy) {
    beforeWrite();
    await store.put(key, await readFile(resolveUnder(dir, key)));
  }
  beforeWrite();
  if (plan.remove.length > 0) await store.remove(plan.remove);
  // Written last: a push that dies half way leaves the old manifest, and the next push redoes it.
  beforeWrite();
  await store.put(SYNC_MANIFEST_KEY, new TextEncoder().encode(`${JSON.stringify(local, null, 1)}\n`));
  return { ...plan, refused: [], unchanged: Object.keys(local).length - plan.copy.length };
}

export async function hashFolder(dir: string): Promise<SyncManifest> {
  if (!(await pathExists(dir))) return {};
  const manifest: SyncManifest = {};
  for (const file of await listFiles(dir)) {
    const key = relative(dir, file).split(sep).join('/');
    if (LOCAL_ONLY.some((prefix) => key.startsWith(prefix))) continue;
    manifest[key] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return manifest;
}

async function readManifest(store: ObjectStore): Promise<SyncManifest> {
  const body = await store.get(SYNC_MANIFEST_KEY);
  return body ? (JSON.parse(new TextDecoder().decode(body)) as SyncManifest) : {};
}

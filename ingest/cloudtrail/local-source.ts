/**
 * A local copy of the org-trail bucket (the folder holding `AWSLogs/`, as `aws s3 sync` writes it).
 * Lists only the account/region/day folders a run needs; workers read the files themselves.
 * S3 user metadata comes from `<key>.s3meta.json` sidecars (`{"Metadata": {...}}`) when present.
 *
 * Every path stays inside the copy (issue 24): keys are resolved with `resolveUnder`, and a symlink
 * is followed only when its target is inside the copy too; one leading out (or to nothing) is
 * listed as refused, so the ingest quarantines and counts it instead of reading elsewhere.
 */
import { type Dirent, lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectorError } from '../../lib/errors.js';
import { isWithin, printable, realpathOfExisting, resolveUnder, UnsafePathError } from '../../lib/lake/safe-path.js';
import { type CachedFile, FolderListingCache } from './folder-listing-cache.js';
import type { ListingPlan, ObjectInput, RefusedObject, TrailObject, TrailSource } from './trail-source.js';

const SIDECAR = '.s3meta.json';

export interface LocalTrailOptions {
  /** File remembering each day folder's listing (folder-listing-cache.ts); none: stat every file. */
  readonly listingCache?: string;
}

export function localTrailSource(root: string, options: LocalTrailOptions = {}): TrailSource {
  /** The file of `key` inside the copy; a key that would leave it is a CollectorError naming the reason. */
  const pathOf = (key: string) => {
    try {
      return resolveUnder(root, key);
    } catch (error) {
      if (!(error instanceof UnsafePathError)) throw error;
      throw new CollectorError(`refused to read ${printable(key)}: ${error.message}`, {
        cause: error,
        context: { source: 'cloudtrail', key: printable(key), file: root, reason: error.reason },
      });
    }
  };
  let cache: Promise<FolderListingCache | undefined> | undefined;
  return {
    location: root,
    async *list(plan, folder) {
      cache ??= options.listingCache ? FolderListingCache.load(options.listingCache, root) : Promise.resolve(undefined);
      const listing: Listing = { root, realRoot: realpathOfExisting(root), plan, folder, cache: await cache };
      const logs = join(root, 'AWSLogs');
      const top = await entries(logs, true);
      for (const entry of top) {
        const kind = kindOf(listing, `AWSLogs/${entry.name}`, entry);
        if (kind.refused) yield kind.refused;
        if (kind.type !== 'dir') continue;
        if (entry.name.startsWith('o-')) yield* listAccounts(listing, `AWSLogs/${entry.name}`);
        else if (/^\d{12}$/.test(entry.name)) yield* listAccount(listing, `AWSLogs/${entry.name}`);
      }
      await listing.cache?.save();
    },
    async input(object): Promise<ObjectInput> {
      return { path: pathOf(object.key) };
    },
    async read(key) {
      const path = pathOf(key);
      try {
        return await readFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new CollectorError(`cannot read ${key}`, { cause: error, context: { source: 'cloudtrail', key } });
      }
    },
    async metadata(key) {
      const path = pathOf(`${key}${SIDECAR}`);
      try {
        return metadataFromSidecar(JSON.parse(await readFile(path, 'utf8')));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw new CollectorError(`cannot read the metadata sidecar of ${key}`, { cause: error, context: { key } });
      }
    },
    async exists(key) {
      let path: string;
      try {
        path = resolveUnder(root, key);
      } catch (error) {
        // A key no file of the copy can have (a digest naming `../x`): it is not there.
        if (error instanceof UnsafePathError) return false;
        throw error;
      }
      try {
        await stat(path);
        return true;
      } catch {
        return false;
      }
    },
    async publicKeys() {
      const path = pathOf('public-keys.json');
      try {
        return JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new CollectorError('cannot read public-keys.json', {
          cause: error,
          context: { file: path },
        });
      }
    },
  };
}

/**
 * Sidecars come in two shapes: `{"Metadata": {...}}` (an S3 HeadObject-like body, as the fake S3
 * serves it) and the flat `{"signature": "...", "signature-algorithm": "..."}`; keys may carry the
 * `x-amz-meta-` header prefix. All three mean the same user metadata.
 */
export function metadataFromSidecar(sidecar: unknown): Record<string, string> {
  if (sidecar === null || typeof sidecar !== 'object') return {};
  const body = sidecar as Record<string, unknown>;
  const source = body.Metadata && typeof body.Metadata === 'object' ? (body.Metadata as Record<string, unknown>) : body;
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (typeof value === 'string') metadata[name.toLowerCase().replace(/^x-amz-meta-/, '')] = value;
  }
  return metadata;
}

interface Listing {
  readonly root: string;
  /** The copy's real path (symlinks resolved): where every followed symlink must lead. */
  readonly realRoot: string;
  readonly plan: ListingPlan;
  readonly folder: string;
  readonly cache: FolderListingCache | undefined;
}

async function* listAccounts(listing: Listing, prefix: string): AsyncGenerator<TrailObject> {
  for (const entry of await entries(join(listing.root, prefix))) {
    const kind = kindOf(listing, `${prefix}/${entry.name}`, entry);
    if (kind.refused) yield kind.refused;
    if (kind.type === 'dir' && /^\d{12}$/.test(entry.name)) yield* listAccount(listing, `${prefix}/${entry.name}`);
  }
}

async function* listAccount(listing: Listing, prefix: string): AsyncGenerator<TrailObject> {
  const { root, plan, folder } = listing;
  const account = prefix.slice(prefix.lastIndexOf('/') + 1);
  if (plan.accounts && !plan.accounts.includes(account)) return;
  const base = `${prefix}/${folder}`;
  for (const region of await entries(join(root, base))) {
    const kind = kindOf(listing, `${base}/${region.name}`, region);
    if (kind.refused) yield kind.refused;
    if (kind.type !== 'dir' || (plan.regions && !plan.regions.includes(region.name))) continue;
    const regionPrefix = `${base}/${region.name}`;
    const dayPrefixes = plan.days
      ? plan.days.map((day) => `${regionPrefix}/${day.replaceAll('-', '/')}`)
      : yield* nestedDayFolders(listing, regionPrefix);
    for (const dayPrefix of dayPrefixes) yield* listFiles(listing, dayPrefix);
  }
}

/** The `YYYY/MM/DD` folders below a region folder; yields the refused symlinks met on the way. */
async function* nestedDayFolders(listing: Listing, regionPrefix: string): AsyncGenerator<TrailObject, string[]> {
  const days: string[] = [];
  const folders = async function* (prefix: string): AsyncGenerator<TrailObject, string[]> {
    const names: string[] = [];
    for (const entry of await entries(join(listing.root, prefix))) {
      const kind = kindOf(listing, `${prefix}/${entry.name}`, entry);
      if (kind.refused) yield kind.refused;
      if (kind.type === 'dir') names.push(entry.name);
    }
    return names;
  };
  for (const year of yield* folders(regionPrefix)) {
    for (const month of yield* folders(`${regionPrefix}/${year}`)) {
      for (const day of yield* folders(`${regionPrefix}/${year}/${month}`)) days.push(`${regionPrefix}/${year}/${month}/${day}`);
    }
  }
  return days.sort();
}

async function* listFiles(listing: Listing, dayPrefix: string): AsyncGenerator<TrailObject> {
  const dir = join(listing.root, dayPrefix);
  // A day folder named by the plan is reached without listing its parents: it may itself be a link.
  const refusedFolder = refusalOf(listing, dayPrefix);
  if (refusedFolder === 'absent') return;
  if (refusedFolder) {
    yield refusedObject(`${dayPrefix}/`, refusedFolder);
    return;
  }
  // The folder's mtime is read before its entries: a file added meanwhile changes it again.
  const folderInfo = statOrNull(dir);
  if (!folderInfo?.isDirectory()) return;
  let files = listing.cache?.lookup(dayPrefix, folderInfo.mtimeMs);
  if (!files) {
    const fresh = statFiles(listing, dayPrefix, await entries(dir));
    for (const refused of fresh.refused) yield refused;
    // A folder holding a refused link is listed afresh each run, so the refusal is counted each run.
    if (fresh.refused.length === 0) listing.cache?.remember(dayPrefix, folderInfo.mtimeMs, fresh.files);
    files = fresh.files;
  }
  for (const [name, size, mtimeMs] of files) yield { key: `${dayPrefix}/${name}`, size, version: `mtime:${mtimeMs}` };
}

/**
 * Size and mtime of a folder's trail files, in name order. Synchronous stats: through the promise
 * API every stat is a thread-pool round trip, several times the cost of the system call.
 */
function statFiles(listing: Listing, dayPrefix: string, found: Dirent[]): { files: CachedFile[]; refused: TrailObject[] } {
  const files: CachedFile[] = [];
  const refused: TrailObject[] = [];
  const dir = join(listing.root, dayPrefix);
  for (const entry of found) {
    if (entry.name.endsWith(SIDECAR) || entry.name.startsWith('.')) continue;
    const kind = entry.isFile() ? { type: 'file' as const } : kindOf(listing, `${dayPrefix}/${entry.name}`, entry);
    if (kind.refused) refused.push(kind.refused);
    if (kind.type !== 'file') continue;
    const info = statOrNull(join(dir, entry.name));
    if (info) files.push([entry.name, info.size, info.mtimeMs]);
  }
  return { files: files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), refused };
}

interface EntryKind {
  readonly type: 'dir' | 'file' | 'other';
  /** A symlink that leads out of the copy (or nowhere), listed so the ingest quarantines it. */
  readonly refused?: TrailObject;
}

/** What an entry is; a symlink counts as its target when that is inside the copy, else it is refused. */
function kindOf(listing: Listing, relative: string, entry: Dirent): EntryKind {
  if (entry.isDirectory()) return { type: 'dir' };
  if (entry.isFile()) return { type: 'file' };
  if (!entry.isSymbolicLink()) return { type: 'other' };
  const refusal = refusalOf(listing, relative);
  if (refusal === 'absent') return { type: 'other' };
  if (refusal) return { type: 'other', refused: refusedObject(relative, refusal) };
  const info = statOrNull(join(listing.root, relative));
  return { type: info?.isDirectory() ? 'dir' : info?.isFile() ? 'file' : 'other' };
}

/**
 * Null when `relative` is really inside the copy (symlinks resolved); 'absent' when nothing is
 * there; otherwise why it is refused: a symlink leading out of the copy, or to nothing.
 */
function refusalOf(listing: Listing, relative: string): RefusedObject | 'absent' | null {
  const path = join(listing.root, relative);
  let real: string;
  try {
    real = realpathSync.native(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') throw error;
    if (!isSymlink(path)) return 'absent';
    return { reason: 'broken_symlink', detail: `${relative} is a symlink that leads nowhere (${code})` };
  }
  if (isWithin(listing.realRoot, real)) return null;
  return {
    reason: 'symlink_outside_trail',
    detail: `${relative} is a symlink to ${real}, outside the trail copy ${listing.root}`,
  };
}

function isSymlink(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

function refusedObject(relative: string, refused: RefusedObject): TrailObject {
  return { key: relative, size: 0, version: '', refused };
}

/** Null when the path vanished between listing and stat (a sync removing it). */
function statOrNull(path: string): Stats | null {
  return statSync(path, { throwIfNoEntry: false }) ?? null;
}

async function entries(dir: string, required = false): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return [];
    throw new CollectorError(
      code === 'ENOENT' ? `no AWSLogs folder under ${dir.replace(/AWSLogs$/, '')}` : `cannot list ${dir}`,
      {
        cause: error,
        context: { source: 'cloudtrail', file: dir },
        hint: 'set sources.cloudtrail.path to the folder that holds AWSLogs/ (a copy of the org-trail bucket)',
      },
    );
  }
}

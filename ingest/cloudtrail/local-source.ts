/**
 * A local copy of the org-trail bucket (the folder holding `AWSLogs/`, as `aws s3 sync` writes it).
 * Lists only the account/region/day folders a run needs; workers read the files themselves.
 * S3 user metadata comes from `<key>.s3meta.json` sidecars (`{"Metadata": {...}}`) when present.
 */
import { type Dirent, type Stats, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectorError } from '../../lib/errors.js';
import { type CachedFile, FolderListingCache } from './folder-listing-cache.js';
import type { ListingPlan, ObjectInput, TrailObject, TrailSource } from './trail-source.js';

const SIDECAR = '.s3meta.json';

export interface LocalTrailOptions {
  /** File remembering each day folder's listing (folder-listing-cache.ts); none: stat every file. */
  readonly listingCache?: string;
}

export function localTrailSource(root: string, options: LocalTrailOptions = {}): TrailSource {
  const pathOf = (key: string) => join(root, ...key.split('/'));
  let cache: Promise<FolderListingCache | undefined> | undefined;
  return {
    location: root,
    async *list(plan, folder) {
      cache ??= options.listingCache ? FolderListingCache.load(options.listingCache, root) : Promise.resolve(undefined);
      const listing: Listing = { root, plan, folder, cache: await cache };
      const logs = join(root, 'AWSLogs');
      const top = await entries(logs, true);
      for (const entry of top) {
        if (!entry.isDirectory()) continue;
        if (entry.name.startsWith('o-')) yield* listAccounts(listing, `AWSLogs/${entry.name}`);
        else if (/^\d{12}$/.test(entry.name)) yield* listAccount(listing, `AWSLogs/${entry.name}`);
      }
      await listing.cache?.save();
    },
    async input(object): Promise<ObjectInput> {
      return { path: pathOf(object.key) };
    },
    async read(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new CollectorError(`cannot read ${key}`, { cause: error, context: { source: 'cloudtrail', key } });
      }
    },
    async metadata(key) {
      try {
        return metadataFromSidecar(JSON.parse(await readFile(`${pathOf(key)}${SIDECAR}`, 'utf8')));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw new CollectorError(`cannot read the metadata sidecar of ${key}`, { cause: error, context: { key } });
      }
    },
    async exists(key) {
      try {
        await stat(pathOf(key));
        return true;
      } catch {
        return false;
      }
    },
    async publicKeys() {
      try {
        return JSON.parse(await readFile(join(root, 'public-keys.json'), 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new CollectorError('cannot read public-keys.json', {
          cause: error,
          context: { file: join(root, 'public-keys.json') },
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
  readonly plan: ListingPlan;
  readonly folder: string;
  readonly cache: FolderListingCache | undefined;
}

async function* listAccounts(listing: Listing, prefix: string): AsyncGenerator<TrailObject> {
  for (const entry of await entries(join(listing.root, prefix))) {
    if (entry.isDirectory() && /^\d{12}$/.test(entry.name)) yield* listAccount(listing, `${prefix}/${entry.name}`);
  }
}

async function* listAccount(listing: Listing, prefix: string): AsyncGenerator<TrailObject> {
  const { root, plan, folder } = listing;
  const account = prefix.slice(prefix.lastIndexOf('/') + 1);
  if (plan.accounts && !plan.accounts.includes(account)) return;
  const base = `${prefix}/${folder}`;
  for (const region of await entries(join(root, base))) {
    if (!region.isDirectory() || (plan.regions && !plan.regions.includes(region.name))) continue;
    const regionPrefix = `${base}/${region.name}`;
    const dayPrefixes = plan.days
      ? plan.days.map((day) => `${regionPrefix}/${day.replaceAll('-', '/')}`)
      : await nestedDayFolders(root, regionPrefix);
    for (const dayPrefix of dayPrefixes) yield* listFiles(listing, dayPrefix);
  }
}

async function nestedDayFolders(root: string, regionPrefix: string): Promise<string[]> {
  const days: string[] = [];
  for (const year of await entries(join(root, regionPrefix))) {
    if (!year.isDirectory()) continue;
    for (const month of await entries(join(root, regionPrefix, year.name))) {
      if (!month.isDirectory()) continue;
      for (const day of await entries(join(root, regionPrefix, year.name, month.name))) {
        if (day.isDirectory()) days.push(`${regionPrefix}/${year.name}/${month.name}/${day.name}`);
      }
    }
  }
  return days.sort();
}

async function* listFiles(listing: Listing, dayPrefix: string): AsyncGenerator<TrailObject> {
  const dir = join(listing.root, dayPrefix);
  // The folder's mtime is read before its entries: a file added meanwhile changes it again.
  const folderInfo = statOrNull(dir);
  if (!folderInfo?.isDirectory()) return;
  let files = listing.cache?.lookup(dayPrefix, folderInfo.mtimeMs);
  if (!files) {
    const fresh = statFiles(dir, await entries(dir));
    listing.cache?.remember(dayPrefix, folderInfo.mtimeMs, fresh);
    files = fresh;
  }
  for (const [name, size, mtimeMs] of files) yield { key: `${dayPrefix}/${name}`, size, version: `mtime:${mtimeMs}` };
}

/**
 * Size and mtime of a folder's trail files, in name order. Synchronous stats: through the promise
 * API every stat is a thread-pool round trip, several times the cost of the system call.
 */
function statFiles(dir: string, found: Dirent[]): CachedFile[] {
  const files: CachedFile[] = [];
  for (const entry of found) {
    if (!entry.isFile() || entry.name.endsWith(SIDECAR) || entry.name.startsWith('.')) continue;
    const info = statOrNull(join(dir, entry.name));
    if (info) files.push([entry.name, info.size, info.mtimeMs]);
  }
  return files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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

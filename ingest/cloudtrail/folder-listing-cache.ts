/**
 * Remembers what each day folder of a local trail copy held, keyed by the folder's mtime, so a
 * re-run does not `stat` every file again: on a month of a 10M-event trail (~80k objects) the stats
 * alone took longer than the 2 s a re-run with nothing new may take (issue 4).
 *
 * Why the folder's mtime is enough: adding, removing or renaming a file changes it, and a copy of
 * the org-trail bucket only ever gains files — CloudTrail never rewrites an object, and `aws s3
 * sync` (like rsync) writes each file under a temporary name and renames it into place. A file
 * rewritten in place (same name, no rename) is the one change it does not see; delete the cache
 * (`_state/cloudtrail/local-listing.json`) to list every file afresh.
 *
 * A folder changed in the last few seconds is listed but not cached: file system timestamps are
 * coarse (a clock tick), and a file added in the same tick as the mtime read would go unseen.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../lib/lake/atomic.js';

/** [file name, size, mtime in ms]. */
export type CachedFile = [string, number, number];

interface CachedFolder {
  /** The folder's mtime when it was listed. */
  m: number;
  f: CachedFile[];
}

interface CacheFile {
  version: 1;
  root: string;
  folders: Record<string, CachedFolder>;
}

/** Folders whose mtime is this recent are listed but not cached. */
const SETTLE_MS = 2_000;

export class FolderListingCache {
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly contents: CacheFile,
  ) {}

  /** The cache for `root` kept in `file`; empty when absent, unreadable or for another root. */
  static async load(file: string, root: string): Promise<FolderListingCache> {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
      if (parsed.version === 1 && parsed.root === root && typeof parsed.folders === 'object')
        return new FolderListingCache(file, parsed);
    } catch {
      // Absent or damaged: it is only a cache, the folders are listed afresh.
    }
    return new FolderListingCache(file, { version: 1, root, folders: {} });
  }

  /** The files of `folder` when it has not changed since it was cached. */
  lookup(folder: string, mtimeMs: number): readonly CachedFile[] | undefined {
    const cached = this.contents.folders[folder];
    return cached && cached.m === mtimeMs ? cached.f : undefined;
  }

  remember(folder: string, mtimeMs: number, files: CachedFile[], now = Date.now()): void {
    if (now - mtimeMs < SETTLE_MS) {
      if (this.contents.folders[folder]) {
        delete this.contents.folders[folder];
        this.changed = true;
      }
      return;
    }
    this.contents.folders[folder] = { m: mtimeMs, f: files };
    this.changed = true;
  }

  /** Writes the cache when a listing changed it. */
  async save(): Promise<void> {
    if (!this.changed) return;
    await writeFileAtomic(this.file, JSON.stringify(this.contents));
    this.changed = false;
  }
}

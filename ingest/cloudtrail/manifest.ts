/**
 * The manifest of processed objects: what each log object was (key, size, ETag/mtime), what became
 * of its records, and its integrity verdict. A run reads only objects that are new or changed; the
 * manifest is replaced in the same publish step as the Parquet it describes, so the two never
 * disagree after a crash.
 *
 * Two levels, so that neither a re-run nor memory grows with the size of the trail:
 *   - `<state>/manifest.json`, the index: per folder and file name only what deciding "new or
 *     changed?" and counting verdicts needs (size, version, status, verification), and the digests
 *     seen. ~90 bytes an object instead of ~950: a re-run over 80k objects parses ~7 MB, not 75 MB.
 *   - `<state>/manifest/<log day>.json`, a shard per day of the key path with the objects' full
 *     entries. A shard is loaded only when a run touches that day (new objects, or a digest naming
 *     them), and dropped again after each publish.
 * The `cloudtrail_objects` dataset is written per shard too (`objects-<day>.parquet`), so a
 * publish rewrites only the days it touched.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LakeError } from '../../lib/errors.js';
import { parseObjectKey } from './object-key.js';

export type ObjectStatus = 'ok' | 'quarantined' | 'missing';
export type Verification = 'verified' | 'unverified' | 'mismatch' | 'missing';

export interface ManifestEntry {
  readonly object_key: string;
  readonly account_id: string | null;
  readonly region: string | null;
  readonly log_date: string | null;
  readonly delivered_at: string | null;
  readonly size_bytes: number;
  readonly etag_or_mtime: string;
  records: number;
  written: number;
  quarantined: number;
  duplicates: number;
  status: ObjectStatus;
  verification: Verification;
  verification_detail: string;
  readonly ingested_at: string;
  /** Hex SHA-256 of the uncompressed content, for digests that arrive later. */
  readonly sha256: string | null;
}

export interface DigestEntry {
  readonly key: string;
  readonly signature: string | null;
  /** true: signature checked; false: checked and wrong; null: could not be checked. */
  readonly signatureValid: boolean | null;
  readonly detail: string;
  readonly version: string;
}

/** What the index keeps of an object: [size, version, status, verification]. */
type IndexEntry = [number, string, ObjectStatus, Verification];

interface ManifestIndexFile {
  version: 2;
  /** Folder (the key up to its last `/`) → file name → what the index keeps. */
  folders: Record<string, Record<string, IndexEntry>>;
  digests: Record<string, DigestEntry>;
}

/** The v1 manifest: every full entry in one file (read once and converted). */
interface ManifestV1File {
  version: 1;
  objects: Record<string, ManifestEntry>;
  digests?: Record<string, DigestEntry>;
}

export const MANIFEST_INDEX_FILE = 'manifest.json';
export const MANIFEST_SHARDS_DIR = 'manifest';
const UNDATED_SHARD = 'undated';

/** Files a publish must move into place, the shards and objects files before the index. */
export interface StagedManifest {
  /** `{from, to}` renames: objects files, shard files, then the index last. */
  readonly moves: { from: string; to: string }[];
  /** Every `objects-<shard>.parquet` the objects dataset holds after the publish. */
  readonly objectsFiles: string[];
  /** The shards rewritten, with their full entries (for the objects dataset). */
  readonly shards: { readonly shard: string; readonly entries: ManifestEntry[] }[];
}

export class Manifest {
  readonly digests: Record<string, DigestEntry>;
  private readonly folders: Record<string, Record<string, IndexEntry>>;
  private readonly loadedShards = new Map<string, Map<string, ManifestEntry>>();
  private readonly dirtyShards = new Set<string>();

  private constructor(
    private readonly stateDir: string,
    index: ManifestIndexFile,
  ) {
    this.folders = index.folders;
    this.digests = index.digests;
  }

  /** The manifest in `stateDir`, empty when there is none yet. A v1 manifest is converted (all its days rewritten at the next publish). */
  static async load(stateDir: string): Promise<Manifest> {
    const file = join(stateDir, MANIFEST_INDEX_FILE);
    const parsed = await readJson<ManifestIndexFile | ManifestV1File>(file, 'the CloudTrail manifest');
    if (parsed === null) return new Manifest(stateDir, { version: 2, folders: {}, digests: {} });
    if (parsed.version === 2 && typeof parsed.folders === 'object') {
      parsed.digests ??= {};
      return new Manifest(stateDir, parsed);
    }
    if (parsed.version === 1 && typeof parsed.objects === 'object') {
      const manifest = new Manifest(stateDir, { version: 2, folders: {}, digests: parsed.digests ?? {} });
      for (const entry of Object.values(parsed.objects)) {
        const shard = shardOf(entry.object_key);
        if (!manifest.loadedShards.has(shard)) manifest.loadedShards.set(shard, new Map());
        manifest.setEntry(shard, entry);
      }
      return manifest;
    }
    throw new LakeError('the CloudTrail manifest has an unknown version', {
      context: { file },
      hint: `delete ${stateDir} to re-read every object (the dataset is rebuilt idempotently)`,
    });
  }

  /** True when the object is new or changed since it was processed. */
  needsProcessing(key: string, size: number, version: string): boolean {
    const known = this.indexEntry(key);
    return !known || known[2] === 'missing' || known[0] !== size || known[1] !== version;
  }

  /** The full entry of an object, or undefined when the manifest has none. */
  async get(key: string): Promise<ManifestEntry | undefined> {
    if (!this.indexEntry(key)) return undefined;
    return (await this.shard(shardOf(key))).get(key);
  }

  /** Adds or replaces an object's entry. */
  async put(entry: ManifestEntry): Promise<void> {
    const shard = shardOf(entry.object_key);
    await this.shard(shard);
    this.setEntry(shard, entry);
  }

  /** Changes an existing entry in place (no-op for an unknown key). */
  async update(key: string, change: (entry: ManifestEntry) => void): Promise<void> {
    const entry = await this.get(key);
    if (!entry) return;
    change(entry);
    this.setEntry(shardOf(key), entry);
  }

  /** True when entries changed since the last stage (or a v1 manifest was converted). */
  hasChanges(): boolean {
    return this.dirtyShards.size > 0;
  }

  verificationCounts(): Record<Verification, number> {
    const counts: Record<Verification, number> = { verified: 0, unverified: 0, mismatch: 0, missing: 0 };
    for (const files of Object.values(this.folders)) for (const known of Object.values(files)) counts[known[3]]++;
    return counts;
  }

  /** Days (shards) the manifest holds objects of. */
  shardIds(): string[] {
    const shards = new Set<string>();
    for (const [folder, files] of Object.entries(this.folders)) {
      const name = Object.keys(files)[0];
      if (name !== undefined) shards.add(shardOf(`${folder}/${name}`));
    }
    return [...shards].sort();
  }

  /**
   * Writes the changed shards and the index into `stageDir` and returns what to move where; the
   * loaded shards are then dropped, so memory holds at most the days of one batch.
   */
  async stage(stageDir: string, objectsFileOf: (shard: string) => string): Promise<StagedManifest> {
    const moves: { from: string; to: string }[] = [];
    const shards: StagedManifest['shards'] = [];
    for (const shard of [...this.dirtyShards].sort()) {
      const entries = this.loadedShards.get(shard) ?? new Map();
      const from = join(stageDir, `manifest-${shard}.json`);
      await writeFile(from, JSON.stringify(Object.fromEntries(entries)));
      moves.push({ from, to: this.shardFile(shard) });
      shards.push({ shard, entries: [...entries.values()] });
    }
    const index = join(stageDir, MANIFEST_INDEX_FILE);
    const file: ManifestIndexFile = { version: 2, folders: this.folders, digests: this.digests };
    await writeFile(index, JSON.stringify(file));
    moves.push({ from: index, to: join(this.stateDir, MANIFEST_INDEX_FILE) });
    this.dirtyShards.clear();
    this.loadedShards.clear();
    return { moves, shards, objectsFiles: this.shardIds().map(objectsFileOf) };
  }

  private indexEntry(key: string): IndexEntry | undefined {
    const slash = key.lastIndexOf('/');
    return this.folders[key.slice(0, slash)]?.[key.slice(slash + 1)];
  }

  private setEntry(shard: string, entry: ManifestEntry): void {
    const key = entry.object_key;
    const slash = key.lastIndexOf('/');
    const folder = key.slice(0, slash);
    this.folders[folder] ??= {};
    (this.folders[folder] as Record<string, IndexEntry>)[key.slice(slash + 1)] = [
      entry.size_bytes,
      entry.etag_or_mtime,
      entry.status,
      entry.verification,
    ];
    this.loadedShards.get(shard)?.set(key, entry);
    this.dirtyShards.add(shard);
  }

  private async shard(shard: string): Promise<Map<string, ManifestEntry>> {
    let entries = this.loadedShards.get(shard);
    if (!entries) {
      const stored = await readJson<Record<string, ManifestEntry>>(this.shardFile(shard), 'a CloudTrail manifest shard');
      entries = new Map(Object.entries(stored ?? {}));
      this.loadedShards.set(shard, entries);
    }
    return entries;
  }

  private shardFile(shard: string): string {
    return join(this.stateDir, MANIFEST_SHARDS_DIR, `${shard}.json`);
  }
}

/** The shard (log day of the key path) an object's entry lives in. */
export function shardOf(key: string): string {
  return parseObjectKey(key)?.logDate ?? UNDATED_SHARD;
}

async function readJson<T>(file: string, what: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new LakeError(`cannot read ${what}`, { cause: error, context: { file } });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new LakeError(`${what} is unreadable`, {
      cause: error,
      context: { file },
      hint: 'delete the _state/cloudtrail folder to re-read every object (the dataset is rebuilt idempotently)',
    });
  }
}

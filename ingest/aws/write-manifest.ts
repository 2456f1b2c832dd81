/**
 * The collect stage's manifest of dataset writes: for each set of partitions a collector wrote, a
 * hash of what it was given (the rows as written, the partitions, the column declaration) and of
 * the files it left (path, size, mtime). A re-run given the same rows, over the same files, is then
 * skipped without opening DuckDB: nothing is rewritten, mtimes stay, and the marts stay current.
 * Kept in `lake/_state/datasets/<dataset>.json`; a missing or unreadable manifest only costs a write.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { listFiles, writeFileAtomic } from '../../lib/lake/atomic.js';
import type { LakeLayout } from '../../lib/lake/layout.js';

export interface WriteRecord {
  /** What the write was given. */
  readonly input: string;
  /** The files of the written partitions after the write. */
  readonly partitions: string;
  /** The whole dataset's files after the write, and its row count then (so a skip needs no count). */
  readonly dataset: string;
  readonly rows: number;
  readonly recorded_at: string;
}

type Manifest = Record<string, WriteRecord>;

/** Records kept per dataset: one per set of partitions (a day's snapshot, a source's errors). */
const MAX_RECORDS = 64;

export function hashText(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part}\n`);
  return hash.digest('hex');
}

/** Path (relative to `root`), size and mtime of the Parquet files under `dirs`, hashed. */
export async function filesListing(root: string, dirs: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const dir of dirs) {
    for (const file of await listFiles(dir)) {
      if (!file.endsWith('.parquet')) continue;
      const info = await stat(file);
      lines.push(`${relative(root, file)}\t${info.size}\t${info.mtimeMs}`);
    }
  }
  return hashText(lines);
}

export async function readWriteRecord(layout: LakeLayout, dataset: string, key: string): Promise<WriteRecord | undefined> {
  return (await readManifest(layout, dataset))[key];
}

export async function saveWriteRecord(layout: LakeLayout, dataset: string, key: string, record: WriteRecord): Promise<void> {
  const manifest = await readManifest(layout, dataset);
  manifest[key] = record;
  const kept = Object.entries(manifest)
    .sort(([, a], [, b]) => b.recorded_at.localeCompare(a.recorded_at))
    .slice(0, MAX_RECORDS);
  await writeFileAtomic(manifestPath(layout, dataset), `${JSON.stringify(Object.fromEntries(kept), null, 1)}\n`);
}

function manifestPath(layout: LakeLayout, dataset: string): string {
  return layout.statePath('datasets', `${dataset}.json`);
}

async function readManifest(layout: LakeLayout, dataset: string): Promise<Manifest> {
  try {
    return JSON.parse(await readFile(manifestPath(layout, dataset), 'utf8')) as Manifest;
  } catch {
    return {};
  }
}

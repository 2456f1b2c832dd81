/**
 * Whether a freshly staged folder holds exactly the data already in the lake, so a writer can keep
 * the files in place instead of replacing them with equal ones: unchanged files keep their mtimes,
 * and the marts' freshness check (which stats the lake's files) sees nothing new. DuckDB writes the
 * same Parquet bytes for the same rows, so comparing bytes is enough; file names are ignored (writers
 * name parts by uuid). A false "different" only costs the rewrite that happened before.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { listFiles } from './atomic.js';

export async function sameParquetContents(stagedDir: string, lakeDir: string): Promise<boolean> {
  const [staged, existing] = await Promise.all([parquetFiles(stagedDir), parquetFiles(lakeDir)]);
  if (staged.length !== existing.length || staged.length === 0) return false;
  const [stagedHashes, existingHashes] = await Promise.all([contentHashes(staged), contentHashes(existing)]);
  return stagedHashes.every((hash, index) => hash === existingHashes[index]);
}

async function parquetFiles(dir: string): Promise<string[]> {
  return (await listFiles(dir)).filter((file) => file.endsWith('.parquet'));
}

/** Sorted, so the comparison ignores names and order. */
async function contentHashes(files: readonly string[]): Promise<string[]> {
  const hashes = await Promise.all(
    files.map(async (file) =>
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    ),
  );
  return hashes.sort();
}

/**
 * The `cloudtrail_objects` dataset: one row per log object seen (including objects a digest names
 * that are missing), one Parquet file per manifest shard (`objects-<log day>.parquet`), so a publish
 * rewrites only the days it touched and the dataset always equals the manifest.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Database, quoteLiteral } from '../../lib/lake/duckdb.js';
import { cloudtrailObjectsDataset, OBJECT_COLUMNS } from './columns.js';
import type { ManifestEntry } from './manifest.js';

export const OBJECTS_DATASET = cloudtrailObjectsDataset.name;

/** The file name of a shard's rows in the dataset folder. */
export function objectsFileName(shard: string): string {
  return `objects-${shard}.parquet`;
}

/** Writes a shard's rows to `<stageDir>/objects-<shard>.parquet`; returns its path. */
export async function stageObjectsShard(
  db: Database,
  shard: string,
  entries: readonly ManifestEntry[],
  stageDir: string,
): Promise<string> {
  const input = join(stageDir, `objects-${shard}.ndjson`);
  const lines = entries.map((entry) =>
    JSON.stringify(
      Object.fromEntries(OBJECT_COLUMNS.map((column) => [column.name, entry[column.name as keyof typeof entry] ?? null])),
    ),
  );
  await writeFile(input, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  const output = join(stageDir, objectsFileName(shard));
  const columns = OBJECT_COLUMNS.map((column) => `${column.name}: '${column.type === 'JSON' ? 'VARCHAR' : column.type}'`).join(
    ', ',
  );
  await db.run(
    `COPY (SELECT * FROM read_json(${quoteLiteral(input)}, format = 'newline_delimited', columns = {${columns}}) ORDER BY object_key)
     TO ${quoteLiteral(output)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  return output;
}

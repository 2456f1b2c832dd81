/**
 * The `cloudtrail_objects` dataset: the manifest as one Parquet file (one row per log object seen,
 * including objects a digest names that are missing). Rewritten whole with every publish — it is
 * small (a row per object) and always equals the manifest.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Database, quoteLiteral } from '../../lib/lake/duckdb.js';
import { OBJECT_COLUMNS } from './columns.js';
import type { Manifest } from './manifest.js';

export const OBJECTS_DATASET = 'cloudtrail_objects';
export const OBJECTS_FILE = 'objects.parquet';

/** Writes `<stageDir>/objects.parquet`; returns its path. */
export async function stageObjectsDataset(db: Database, manifest: Manifest, stageDir: string): Promise<string> {
  const input = join(stageDir, 'objects.ndjson');
  const lines = Object.values(manifest.objects).map((entry) =>
    JSON.stringify(
      Object.fromEntries(OBJECT_COLUMNS.map((column) => [column.name, entry[column.name as keyof typeof entry] ?? null])),
    ),
  );
  await writeFile(input, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  const output = join(stageDir, OBJECTS_FILE);
  const columns = OBJECT_COLUMNS.map((column) => `${column.name}: '${column.type === 'JSON' ? 'VARCHAR' : column.type}'`).join(
    ', ',
  );
  await db.run(
    `COPY (SELECT * FROM read_json(${quoteLiteral(input)}, format = 'newline_delimited', columns = {${columns}}) ORDER BY object_key)
     TO ${quoteLiteral(output)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  return output;
}

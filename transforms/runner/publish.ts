/**
 * Publishes each mart as Parquet under `lake/marts/<mart>/<mart>.parquet`: written to the lake's
 * staging folder first, then renamed into place, so a reader never sees half a file.
 * zstd level 1: ~20% less CPU than the default level 3 for ~2% larger files (data_access at 10M
 * events: 3.9–4.4 vs 4.9–5.2 CPU-s, 80.9 vs 79.0 MB).
 */
import { join } from 'node:path';
import { createStagingDir, publishStagedFiles } from '../../lib/lake/atomic.js';
import { type Database, quoteIdentifier, quoteLiteral } from '../../lib/lake/duckdb.js';
import type { LakeLayout } from '../../lib/lake/layout.js';

export async function publishMart(db: Database, layout: LakeLayout, mart: string): Promise<string> {
  const staging = await createStagingDir(layout.tmpDir, `mart-${mart}`);
  const file = `${mart}.parquet`;
  await db.run(
    `COPY (SELECT * FROM ${quoteIdentifier(mart)}) TO ${quoteLiteral(join(staging, file))} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)`,
  );
  const target = layout.martDir(mart);
  await publishStagedFiles(staging, target);
  return join(target, file);
}

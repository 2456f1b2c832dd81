/**
 * Publishes each mart as Parquet under `lake/marts/<mart>/<mart>.parquet`: written to the lake's
 * staging folder first, then renamed into place, so a reader never sees half a file.
 */
import { join } from 'node:path';
import { createStagingDir, publishStagedFiles } from '../../lib/lake/atomic.js';
import { type Database, quoteIdentifier, quoteLiteral } from '../../lib/lake/duckdb.js';
import type { LakeLayout } from '../../lib/lake/layout.js';

export async function publishMart(db: Database, layout: LakeLayout, mart: string): Promise<string> {
  const staging = await createStagingDir(layout.tmpDir, `mart-${mart}`);
  const file = `${mart}.parquet`;
  await db.run(
    `COPY (SELECT * FROM ${quoteIdentifier(mart)}) TO ${quoteLiteral(join(staging, file))} (FORMAT parquet, COMPRESSION zstd)`,
  );
  const target = layout.martDir(mart);
  await publishStagedFiles(staging, target);
  return join(target, file);
}

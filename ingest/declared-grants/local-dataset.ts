/**
 * Writes a small dataset read from local files (declared grants, data contracts) as one Parquet
 * file that replaces the previous one atomically: these inputs are the whole declared state each
 * time, so a re-run gives the same dataset (and, when nothing changed, leaves the file in place). Rows go through newline-delimited JSON into DuckDB with
 * the declared column types, so the Parquet schema is the column list below, not a guess.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStagingDir, publishStagedFiles, writeFileAtomic } from '../../lib/lake/atomic.js';
import { openDatabase, quoteIdentifier, quoteLiteral } from '../../lib/lake/duckdb.js';
import type { LakeLayout } from '../../lib/lake/layout.js';
import { safeFileName } from '../../lib/lake/safe-path.js';
import { sameParquetContents } from '../../lib/lake/same-contents.js';

export type ColumnTypes = Readonly<Record<string, string>>;

export async function writeLocalDataset(
  layout: LakeLayout,
  dataset: string,
  columns: ColumnTypes,
  rows: readonly Record<string, unknown>[],
): Promise<string> {
  const staging = await createStagingDir(layout.tmpDir, dataset);
  const input = join(staging, 'rows.jsonl');
  await writeFile(input, rows.map((row) => JSON.stringify(row)).join('\n'));
  const columnSpec = Object.entries(columns)
    .map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`)
    .join(', ');
  const select = Object.keys(columns)
    .map((name) => quoteIdentifier(name))
    .join(', ');
  const output = join(staging, 'out', `${dataset}.parquet`);
  const db = await openDatabase(':memory:', { threads: 1 });
  try {
    await db.run("SET TimeZone = 'UTC'");
    const from =
      rows.length > 0
        ? `read_json(${quoteLiteral(input)}, format = 'newline_delimited', columns = {${columnSpec}})`
        : `(SELECT ${Object.entries(columns)
            .map(([name, type]) => `CAST(NULL AS ${type}) AS ${quoteIdentifier(name)}`)
            .join(', ')} WHERE false)`;
    await mkdir(join(staging, 'out'), { recursive: true });
    await db.run(`COPY (SELECT ${select} FROM ${from}) TO ${quoteLiteral(output)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    db.close();
  }
  const target = layout.datasetDir(dataset);
  if (!(await sameParquetContents(join(staging, 'out'), target))) await publishStagedFiles(join(staging, 'out'), target);
  await rm(staging, { recursive: true, force: true });
  return join(target, `${dataset}.parquet`);
}

/**
 * Records a rejected input file with the reason, under `_quarantine/<source>/`. The file's name is
 * data (any name in the input folder): it is sanitised and hashed, never joined on (issue 24).
 */
export async function quarantineFile(layout: LakeLayout, source: string, file: string, reason: string): Promise<void> {
  const name = safeFileName(file, '.reason.json');
  await writeFileAtomic(
    layout.quarantinePath(source, name),
    `${JSON.stringify({ source, file, reason, quarantined_at: new Date().toISOString() }, null, 2)}\n`,
  );
}

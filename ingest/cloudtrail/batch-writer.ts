/**
 * Turns one batch's spool files into the Parquet files of the partitions it touches, ready to
 * publish. Each touched partition is rebuilt whole: the batch's rows plus the partition's existing
 * rows (minus those of objects this batch read again), de-duplicated on `event_id` — the latest
 * delivery wins — and written by DuckDB's parallel COPY with zstd, one folder per
 * `event_date=…/account_id=…`. Nothing in the dataset changes here; see publish-journal.ts.
 * zstd level 1: measured ~40% faster than the default level 3 on many small partitions, files a
 * little larger (bench/RESULTS.md).
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { listFiles, writeFileAtomic } from '../../lib/lake/atomic.js';
import { type Database, quoteLiteral } from '../../lib/lake/duckdb.js';
import { CLOUDTRAIL_COLUMNS } from './columns.js';
import { spoolRowsQuery } from './spool-line.js';

export interface BatchWriteInput {
  readonly db: Database;
  /** Holds `worker-<n>.ndjson` (a line per row, spool-line.ts) and `worker-<n>.ndjson.keys` (event_id, partition). */
  readonly spoolDir: string;
  /** The live dataset folder (`<lake>/cloudtrail`). */
  readonly datasetDir: string;
  /** Empty folder the new partition files are written to. */
  readonly outputDir: string;
  /** Keys of the objects this batch read: their earlier rows, if any, are replaced. */
  readonly batchObjects: readonly string[];
  /** The longest spool line the workers wrote for this batch. */
  readonly maxLineBytes: number;
}

export interface PartitionFiles {
  /** Absolute partition folder in the live dataset. */
  readonly dir: string;
  /** File names it must hold after publishing. */
  readonly files: string[];
}

export interface BatchWriteResult {
  readonly partitions: PartitionFiles[];
  readonly moves: { from: string; to: string }[];
  /** Rows dropped as duplicates, by the object they came from. */
  readonly duplicatesByObject: Map<string, number>;
}

const ORDER_LATEST_DELIVERY = 'delivered_at DESC NULLS LAST, source_object DESC, CAST(record AS VARCHAR) DESC';

export async function writeBatch(input: BatchWriteInput): Promise<BatchWriteResult> {
  const { db } = input;
  const spoolFiles = (await readdir(input.spoolDir))
    .filter((name) => name.endsWith('.ndjson'))
    .map((name) => join(input.spoolDir, name));
  if (spoolFiles.length === 0) return { partitions: [], moves: [], duplicatesByObject: new Map() };

  await db.run(
    `CREATE OR REPLACE TEMP TABLE batch_keys AS SELECT * FROM read_json(${fileList(spoolFiles.map((file) => `${file}.keys`))},
      format = 'newline_delimited', columns = {event_id: 'VARCHAR', event_date: 'VARCHAR', account_id: 'VARCHAR'})`,
  );
  const objectsFile = join(input.spoolDir, 'objects.json');
  await writeFileAtomic(objectsFile, JSON.stringify(input.batchObjects.map((key) => ({ source_object: key }))));
  await db.run(
    `CREATE OR REPLACE TEMP TABLE batch_objects AS SELECT * FROM read_json(${quoteLiteral(objectsFile)},
      columns = {source_object: 'VARCHAR'})`,
  );
  const touched = await db.all<{ event_date: string; account_id: string }>(
    'SELECT DISTINCT event_date, account_id FROM batch_keys ORDER BY 1, 2',
  );
  const partitionDirs = touched.map((row) =>
    join(input.datasetDir, `event_date=${row.event_date}`, `account_id=${row.account_id}`),
  );
  const existingFiles = (await Promise.all(partitionDirs.map(parquetFilesIn))).flat();

  const newRows = spoolRowsQuery(fileList(spoolFiles), input.maxLineBytes);
  const oldRows =
    existingFiles.length === 0
      ? undefined
      : `SELECT ${CLOUDTRAIL_COLUMNS.map((column) => column.name).join(', ')} FROM read_parquet(${fileList(existingFiles)},
          hive_partitioning = true, hive_types_autocast = false, hive_types = {'event_date': DATE, 'account_id': VARCHAR})
        WHERE source_object NOT IN (SELECT source_object FROM batch_objects)`;
  const allRows = oldRows ? `${newRows} UNION ALL ${oldRows}` : newRows;

  await db.run(
    `CREATE OR REPLACE TEMP TABLE dup_ids AS SELECT event_id FROM (
       SELECT event_id FROM batch_keys ${oldRows ? `UNION ALL SELECT event_id FROM (${oldRows})` : ''}
     ) GROUP BY event_id HAVING count(*) > 1`,
  );
  const duplicateIds = Number((await db.all<{ n: number }>('SELECT count(*) AS n FROM dup_ids'))[0]?.n ?? 0);
  const duplicatesByObject = new Map<string, number>();
  let query = allRows;
  if (duplicateIds > 0) {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ranked AS SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY ${ORDER_LATEST_DELIVERY}) AS dedup_rank
       FROM (${allRows}) WHERE event_id IN (SELECT event_id FROM dup_ids)`,
    );
    for (const row of await db.all<{ source_object: string; n: number }>(
      'SELECT source_object, count(*) AS n FROM ranked WHERE dedup_rank > 1 GROUP BY 1',
    )) {
      duplicatesByObject.set(row.source_object, Number(row.n));
    }
    query = `SELECT * FROM (${allRows}) WHERE event_id NOT IN (SELECT event_id FROM dup_ids)
             UNION ALL SELECT * EXCLUDE (dedup_rank) FROM ranked WHERE dedup_rank = 1`;
  }
  await db.run(
    `COPY (${query}) TO ${quoteLiteral(input.outputDir)}
     (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, PARTITION_BY (event_date, account_id), FILENAME_PATTERN 'part-{i}',
      OVERWRITE_OR_IGNORE)`,
  );
  await db.run('DROP TABLE IF EXISTS ranked; DROP TABLE IF EXISTS dup_ids; DROP TABLE IF EXISTS batch_keys');

  const written = await listFiles(input.outputDir);
  const filesByPartition = new Map<string, string[]>(partitionDirs.map((dir) => [dir, []]));
  const moves = written.map((file) => {
    const rel = relative(input.outputDir, file);
    const to = join(input.datasetDir, rel);
    const dir = to.slice(0, to.lastIndexOf(sep));
    const names = filesByPartition.get(dir) ?? [];
    names.push(to.slice(to.lastIndexOf(sep) + 1));
    filesByPartition.set(dir, names);
    return { from: file, to };
  });
  return {
    partitions: [...filesByPartition].map(([dir, files]) => ({ dir, files })),
    moves,
    duplicatesByObject,
  };
}

async function parquetFilesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((name) => name.endsWith('.parquet') && !name.startsWith('.'))
      .map((name) => join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function fileList(files: readonly string[]): string {
  return `[${files.map(quoteLiteral).join(', ')}]`;
}

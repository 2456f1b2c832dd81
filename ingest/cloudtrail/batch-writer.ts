/**
 * Turns one batch's Parquet files — written by the workers (row-store.ts), partitioned
 * `event_date=…/account_id=…` — into the moves that publish them. Nothing in the dataset changes
 * here; see publish-journal.ts.
 *
 * Most partitions are simply *appended*: the workers' files move in next to the partition's
 * existing files. A partition is *rebuilt* (its new and existing rows, de-duplicated on `event_id`
 * by WINNER_FIRST, written again by DuckDB's COPY) only when it holds a duplicate or a
 * row of an object this batch read again, or when appending to its earlier files would leave it
 * more than MAX_PARTITION_FILES files (compaction: each incremental run adds a file to the partitions it
 * touches, and readers pay per file). Deciding that reads just `event_id` and `source_object`
 * of the new files and of the touched partitions' existing files (columnar, cheap).
 * zstd level 1: measured ~40% faster than the default level 3 on many small partitions.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { listFiles, writeFileAtomic } from '../../lib/lake/atomic.js';
import { type Database, quoteLiteral } from '../../lib/lake/duckdb.js';
import { CLOUDTRAIL_COLUMNS } from './columns.js';
import { isOutOfMemory, withDoubledMemory } from './row-store.js';

export interface BatchWriteInput {
  readonly db: Database;
  /** The folder the workers wrote the batch's rows to (`<flush>/event_date=…/account_id=…/part-N.parquet`). */
  readonly rowsDir: string;
  /** The live dataset folder (`<lake>/cloudtrail`). */
  readonly datasetDir: string;
  /** Empty folder rebuilt partitions are written to. */
  readonly outputDir: string;
  /** Keys of the objects this batch read: their earlier rows, if any, are replaced. */
  readonly batchObjects: readonly string[];
  /** Makes the published file names unique across batches and runs (letters, digits, `-`). */
  readonly fileTag: string;
  /** `db`'s memory limit: a rebuild that runs out is retried once with twice this. */
  readonly memoryLimit: string;
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
  /** The dropped copies whose record differs from the kept one's (a subset of the duplicates). */
  readonly conflicting: ConflictingCopy[];
}

/** A dropped copy of an event whose content differs from the copy kept (for the quarantine). */
export interface ConflictingCopy {
  readonly eventId: string;
  /** The object the dropped copy came from. */
  readonly sourceObject: string;
  /** The dropped copy's record, as the dataset held it. */
  readonly record: string;
  /** The object of the copy kept. */
  readonly keptObject: string;
  /** The kept copy's addendum.reason, when CloudTrail marked it a re-delivery (DELIVERY_DELAY, UPDATED_DATA, ...). */
  readonly keptAddendum: string | null;
}

interface Partition {
  /** `event_date=…/account_id=…` */
  readonly rel: string;
  readonly newFiles: string[];
  readonly existingFiles: string[];
}

/**
 * Which copy of an event_id is kept: the latest delivery (the time in the object's name: CloudTrail
 * re-delivers an event to update it, addendum UPDATED_DATA), then the greater object key, then the
 * smallest SHA-256 of the record. A total order on what the copies are, not on when a run read
 * them, so the same copy wins whichever run or batch reads which copy first.
 */
const WINNER_FIRST = 'delivered_at DESC NULLS LAST, source_object DESC, sha256(CAST(record AS VARCHAR))';
const PARTITION_OF_FILE = `regexp_extract(filename, 'event_date=[^/]*/account_id=[^/]*', 0)`;
/**
 * Rows a rebuilt partition's Parquet writer holds before it writes a row group. DuckDB's default
 * (122,880) buffers a whole row group of ~3.5 KB rows: a partition of the 10M trail needed more than
 * 256 MB for that alone, so the main thread's memory grew with the partition size.
 */
const REBUILD_ROW_GROUP_ROWS = 16_384;
/**
 * Files a partition may hold after an append to its earlier files; one more and it is rebuilt into
 * few files. A batch writes ~3–6 files to a partition of its own (one per native group or worker
 * flush that touched it), left as they are; what this bounds is the pile-up of repeated runs
 * (hourly, daily: each adds a file to today's partitions), compacted once per ~MAX_PARTITION_FILES runs.
 */
export const MAX_PARTITION_FILES = 8;

export async function writeBatch(input: BatchWriteInput): Promise<BatchWriteResult> {
  const partitions = await partitionsOf(input);
  if (partitions.size === 0) return { partitions: [], moves: [], duplicatesByObject: new Map(), conflicting: [] };
  const { db } = input;
  const newFiles = [...partitions.values()].flatMap((partition) => partition.newFiles);
  const existingFiles = [...partitions.values()].flatMap((partition) => partition.existingFiles);

  const objectsFile = join(input.outputDir, '..', 'batch-objects.json');
  await writeFileAtomic(objectsFile, JSON.stringify(input.batchObjects.map((key) => ({ source_object: key }))));
  await db.run(
    `CREATE OR REPLACE TEMP TABLE batch_objects AS SELECT * FROM read_json(${quoteLiteral(objectsFile)},
      columns = {source_object: 'VARCHAR'})`,
  );
  // Every row's key, partition, and whether it is an earlier row of an object read again (dropped).
  const oldKeys =
    existingFiles.length === 0
      ? ''
      : `UNION ALL SELECT event_id, ${PARTITION_OF_FILE} AS part, source_object IN (SELECT source_object FROM batch_objects) AS replaced
         FROM read_parquet(${fileList(existingFiles)}, filename = true, hive_partitioning = false)`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE batch_keys AS
       SELECT event_id, ${PARTITION_OF_FILE} AS part, false AS replaced
       FROM read_parquet(${fileList(newFiles)}, filename = true, hive_partitioning = false) ${oldKeys}`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE dup_ids AS
       SELECT event_id FROM batch_keys WHERE NOT replaced GROUP BY event_id HAVING count(*) > 1`,
  );
  const rebuild = new Set(
    (
      await db.all<{ part: string }>(
        `SELECT DISTINCT part FROM batch_keys WHERE replaced OR event_id IN (SELECT event_id FROM dup_ids)`,
      )
    ).map((row) => row.part),
  );
  for (const partition of partitions.values()) {
    const files = partition.existingFiles.length + partition.newFiles.length;
    if (partition.existingFiles.length > 0 && files > MAX_PARTITION_FILES) rebuild.add(partition.rel);
  }
  const duplicatesByObject = new Map<string, number>();
  const conflicting: ConflictingCopy[] = [];
  const moves: { from: string; to: string }[] = [];
  const result: PartitionFiles[] = [];
  if (rebuild.size > 0) {
    const rebuilt = [...partitions.values()].filter((partition) => rebuild.has(partition.rel));
    conflicting.push(...(await rebuildPartitions(input, rebuilt, duplicatesByObject)));
    const written = await listFiles(input.outputDir);
    const byDir = new Map<string, string[]>(rebuilt.map((partition) => [join(input.datasetDir, partition.rel), []]));
    for (const file of written) {
      const to = join(input.datasetDir, relative(input.outputDir, file));
      const dir = to.slice(0, to.lastIndexOf(sep));
      const name = `part-${input.fileTag}-${to.slice(to.lastIndexOf(sep) + 1)}`;
      moves.push({ from: file, to: join(dir, name) });
      byDir.set(dir, [...(byDir.get(dir) ?? []), name]);
    }
    for (const [dir, files] of byDir) result.push({ dir, files });
  }
  await db.run('DROP TABLE IF EXISTS dup_ids; DROP TABLE IF EXISTS batch_keys; DROP TABLE IF EXISTS batch_objects');

  for (const partition of partitions.values()) {
    if (rebuild.has(partition.rel)) continue;
    const dir = join(input.datasetDir, partition.rel);
    const files = partition.existingFiles.map((file) => file.slice(file.lastIndexOf(sep) + 1));
    for (const file of partition.newFiles) {
      // `<rowsDir>/w0-1/event_date=…/account_id=…/part-3.parquet` → `part-<tag>-w0-1-3.parquet`
      const flush = relative(input.rowsDir, file).split(sep)[0] as string;
      const name = `part-${input.fileTag}-${flush}-${file.slice(file.lastIndexOf('-') + 1)}`;
      moves.push({ from: file, to: join(dir, name) });
      files.push(name);
    }
    result.push({ dir, files });
  }
  return { partitions: result, moves, duplicatesByObject, conflicting };
}

/** The batch's partitions, each with the workers' new files and the live dataset's existing files. */
async function partitionsOf(input: BatchWriteInput): Promise<Map<string, Partition>> {
  const partitions = new Map<string, Partition>();
  let written: string[] = [];
  try {
    written = (await listFiles(input.rowsDir)).filter((file) => file.endsWith('.parquet'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const file of written) {
    const parts = relative(input.rowsDir, file).split(sep);
    const rel = `${parts[1]}/${parts[2]}`;
    let partition = partitions.get(rel);
    if (!partition) {
      partition = { rel, newFiles: [], existingFiles: await parquetFilesIn(join(input.datasetDir, rel)) };
      partitions.set(rel, partition);
    }
    partition.newFiles.push(file);
  }
  return partitions;
}

/**
 * Writes the given partitions again from their new and existing rows, without the earlier rows of
 * objects read again and with one row per event_id, counts the dropped duplicates by object, and
 * returns the dropped copies whose record differs from the kept one's.
 */
async function rebuildPartitions(
  input: BatchWriteInput,
  partitions: Partition[],
  duplicatesByObject: Map<string, number>,
): Promise<ConflictingCopy[]> {
  const { db } = input;
  const columns = CLOUDTRAIL_COLUMNS.map((column) => column.name).join(', ');
  const hive = `hive_partitioning = true, hive_types_autocast = false, hive_types = {'event_date': DATE, 'account_id': VARCHAR}`;
  const newFiles = partitions.flatMap((partition) => partition.newFiles);
  const existingFiles = partitions.flatMap((partition) => partition.existingFiles);
  const newRows = `SELECT ${columns} FROM read_parquet(${fileList(newFiles)}, ${hive})`;
  const allRows =
    existingFiles.length === 0
      ? newRows
      : `${newRows} UNION ALL SELECT ${columns} FROM read_parquet(${fileList(existingFiles)}, ${hive})
         WHERE source_object NOT IN (SELECT source_object FROM batch_objects)`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ranked AS SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY ${WINNER_FIRST}) AS dedup_rank
     FROM (${allRows}) WHERE event_id IN (SELECT event_id FROM dup_ids)`,
  );
  for (const row of await db.all<{ source_object: string; n: number }>(
    'SELECT source_object, count(*) AS n FROM ranked WHERE dedup_rank > 1 GROUP BY 1',
  )) {
    duplicatesByObject.set(row.source_object, Number(row.n));
  }
  const conflicting = await db.all<{
    event_id: string;
    source_object: string;
    record: string;
    kept_object: string;
    kept_addendum: string | null;
  }>(
    `SELECT dropped.event_id, dropped.source_object, CAST(dropped.record AS VARCHAR) AS record, kept.source_object AS kept_object,
       kept.addendum_reason AS kept_addendum
     FROM ranked AS dropped JOIN ranked AS kept ON kept.event_id = dropped.event_id AND kept.dedup_rank = 1
     WHERE dropped.dedup_rank > 1 AND CAST(dropped.record AS VARCHAR) <> CAST(kept.record AS VARCHAR)
     ORDER BY dropped.event_id, dropped.dedup_rank`,
  );
  await copyRebuilt(
    input,
    `COPY (SELECT * FROM (${allRows}) WHERE event_id NOT IN (SELECT event_id FROM dup_ids)
           UNION ALL SELECT * EXCLUDE (dedup_rank) FROM ranked WHERE dedup_rank = 1)
     TO ${quoteLiteral(input.outputDir)}
     (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, PARTITION_BY (event_date, account_id), FILENAME_PATTERN '{i}',
      ROW_GROUP_SIZE ${REBUILD_ROW_GROUP_ROWS}, OVERWRITE_OR_IGNORE)`,
  );
  await db.run('DROP TABLE IF EXISTS ranked');
  return conflicting.map((row) => ({
    eventId: row.event_id,
    sourceObject: row.source_object,
    record: row.record,
    keptObject: row.kept_object,
    keptAddendum: row.kept_addendum,
  }));
}

/**
 * Runs the rebuild's COPY on one DuckDB thread: each thread holds its own input and output row
 * groups of ~3.5 KB rows, and with two a 10M trail's day of partitions ran out of the main thread's
 * 256 MB now and then (one thread: ~190 MB; rebuilds are rare, so the speed matters little). Should
 * it still run out, its partial files are deleted and it runs once more with twice the memory.
 */
async function copyRebuilt(input: BatchWriteInput, sql: string): Promise<void> {
  const { db } = input;
  const [setting] = await db.all<{ threads: number }>(`SELECT current_setting('threads') AS threads`);
  await db.run('SET threads = 1');
  try {
    await db.run(sql);
  } catch (error) {
    if (!isOutOfMemory(error)) throw error;
    await rm(input.outputDir, { recursive: true, force: true });
    await mkdir(input.outputDir, { recursive: true });
    await withDoubledMemory(db, input.memoryLimit, () => db.run(sql));
  } finally {
    await db.run(`SET threads = ${Number(setting?.threads ?? 1)}`);
  }
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

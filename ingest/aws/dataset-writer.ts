/**
 * Writes rows of a declared dataset (see dataset-spec.ts) into the lake as Hive-partitioned zstd
 * Parquet. Rows go through DuckDB's typed JSON reader into a table created from the declaration,
 * are written to a staging folder, and each affected partition folder is then swapped into place
 * with renames — so re-running the same day replaces that day's partitions and never duplicates.
 * A re-run with nothing new rewrites nothing, so the marts stay current: a write given the same
 * rows over the same files as the last one is skipped before DuckDB (write-manifest.ts), and a
 * partition whose staged files equal the ones in place is left as it is.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { LakeError } from '../../lib/errors.js';
import { createStagingDir, listFiles, pathExists } from '../../lib/lake/atomic.js';
import { type Database, openDatabase, quoteIdentifier, quoteLiteral } from '../../lib/lake/duckdb.js';
import type { LakeLayout } from '../../lib/lake/layout.js';
import { describeReason, printable, resolveUnder, segmentProblem, UnsafePathError } from '../../lib/lake/safe-path.js';
import { sameParquetContents } from '../../lib/lake/same-contents.js';
import { type ColumnSpec, createTableSql, type DatasetSpec, jsonColumnsSql } from './dataset-spec.js';
import { filesListing, hashText, readWriteRecord, saveWriteRecord } from './write-manifest.js';

export type DatasetRow = Readonly<Record<string, unknown>>;
export type PartitionValues = Readonly<Record<string, string>>;

export interface WriteDatasetOptions {
  /**
   * Partitions this run collected completely: replaced even when no incoming row falls in them
   * (they then hold an empty, typed file, so the dataset's view exists with all its columns).
   */
  readonly cover?: readonly PartitionValues[];
}

export interface WriteDatasetResult {
  readonly name: string;
  /** Rows written by this call. */
  readonly written: number;
  /** Rows in the whole dataset after the write. */
  readonly rows: number;
  readonly partitions: number;
  readonly path: string;
}

export async function writeDataset(
  layout: LakeLayout,
  spec: DatasetSpec,
  rows: readonly DatasetRow[],
  options: WriteDatasetOptions = {},
): Promise<WriteDatasetResult> {
  const datasetDir = layout.datasetDir(spec.name);
  const affected = affectedPartitions(spec, rows, options.cover ?? []);
  const ndjson = rows.map((row) => JSON.stringify(normaliseRow(spec, row))).join('\n');
  const partitionDirs = affected.map((values) => partitionDir(datasetDir, spec, values));
  const key = hashText(partitionDirs.map((dir) => relative(layout.root, dir)).sort());
  const input = hashText([JSON.stringify(spec), key, ndjson]);
  const unchanged = await unchangedSinceLastWrite(layout, spec, key, input, partitionDirs);
  if (unchanged) return unchanged;
  const staging = await createStagingDir(layout.tmpDir, spec.name);
  try {
    const db = await openDatabase(':memory:', { threads: 1 });
    try {
      await loadIncoming(db, spec, ndjson, staging);
      const source = spec.mode.kind === 'merge' ? await mergeWithExisting(db, spec, datasetDir, affected) : 'incoming';
      await stagePartitions(db, spec, source, join(staging, 'out'), affected);
    } finally {
      db.close();
    }
    await swapPartitions(spec, join(staging, 'out'), datasetDir, join(staging, 'replaced'), affected);
    const total = await countRows(datasetDir);
    await saveWriteRecord(layout, spec.name, key, {
      input,
      partitions: await filesListing(layout.root, partitionDirs),
      dataset: await filesListing(layout.root, [datasetDir]),
      rows: total,
      recorded_at: new Date().toISOString(),
    });
    return { name: spec.name, written: rows.length, rows: total, partitions: affected.length, path: datasetDir };
  } catch (cause) {
    if (cause instanceof LakeError) throw cause;
    throw new LakeError(`cannot write dataset ${spec.name}`, { cause, context: { file: datasetDir } });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The `key=value/...` folder of a partition, in the dataset's key order. */
export function partitionPath(spec: DatasetSpec, values: PartitionValues): string {
  return spec.partitionBy.map((key) => `${key}=${values[key]}`).join('/');
}

/** The partition's folder under `base` (the dataset or its staging copy); `base` itself when unpartitioned. */
function partitionDir(base: string, spec: DatasetSpec, values: PartitionValues): string {
  const relativePath = partitionPath(spec, values);
  return relativePath ? resolveUnder(base, relativePath) : base;
}

function affectedPartitions(
  spec: DatasetSpec,
  rows: readonly DatasetRow[],
  cover: readonly PartitionValues[],
): PartitionValues[] {
  if (spec.partitionBy.length === 0) return [{}];
  const byPath = new Map<string, PartitionValues>();
  for (const values of [...rows.map((row) => partitionValuesOf(spec, row)), ...cover]) {
    for (const key of spec.partitionBy) assertPartitionValue(spec, key, String(values[key]));
    byPath.set(partitionPath(spec, values), values);
  }
  return [...byPath.values()];
}

function partitionValuesOf(spec: DatasetSpec, row: DatasetRow): PartitionValues {
  const values: Record<string, string> = {};
  for (const key of spec.partitionBy) {
    const column = spec.columns.find((candidate) => candidate.name === key) as ColumnSpec;
    const value = normaliseValue(column, row[key]);
    if (value === null || value === '') {
      throw new LakeError(`dataset ${spec.name}: a row has no value for its partition key ${key}`, {
        context: { key },
      });
    }
    values[key] = assertPartitionValue(spec, key, String(value));
  }
  return values;
}

/**
 * A partition value becomes the folder `key=value`: one from data (a region, an account id an API
 * returned) with `/`, `..` or NUL would put the partition outside the dataset (issue 24).
 */
function assertPartitionValue(spec: DatasetSpec, key: string, value: string): string {
  const problem = segmentProblem(`${key}=${value}`) ?? (value === '.' || value === '..' ? 'parent-segment' : null);
  if (problem) {
    throw new UnsafePathError(
      `dataset ${spec.name}: a row's partition value ${key}="${printable(value)}" ${describeReason(problem)}`,
      problem,
      { context: { key, value: printable(value), dataset: spec.name } },
    );
  }
  return value;
}

/** The result of the last write when it was given the same input over the same files; else undefined. */
async function unchangedSinceLastWrite(
  layout: LakeLayout,
  spec: DatasetSpec,
  key: string,
  input: string,
  partitionDirs: readonly string[],
): Promise<WriteDatasetResult | undefined> {
  const record = await readWriteRecord(layout, spec.name, key);
  if (record?.input !== input || (await filesListing(layout.root, partitionDirs)) !== record.partitions) return undefined;
  const datasetDir = layout.datasetDir(spec.name);
  const sameDataset = (await filesListing(layout.root, [datasetDir])) === record.dataset;
  return {
    name: spec.name,
    written: 0,
    rows: sameDataset ? record.rows : await countRows(datasetDir),
    partitions: 0,
    path: datasetDir,
  };
}

async function loadIncoming(db: Database, spec: DatasetSpec, ndjson: string, staging: string): Promise<void> {
  await db.run(createTableSql(spec, 'incoming'));
  if (ndjson === '') return;
  const file = join(staging, 'rows.ndjson');
  await writeFile(file, `${ndjson}\n`);
  await db.run(
    `INSERT INTO incoming SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = ${jsonColumnsSql(
      spec,
    )}, maximum_object_size = 268435456)`,
  );
}

function normaliseRow(spec: DatasetSpec, row: DatasetRow): Record<string, unknown> {
  const normalised: Record<string, unknown> = {};
  for (const column of spec.columns) normalised[column.name] = normaliseValue(column, row[column.name]);
  return normalised;
}

/** JS values to what DuckDB's JSON reader parses for the column's type. */
function normaliseValue(column: ColumnSpec, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'TIMESTAMP':
      return timestampText(value);
    case 'DATE':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
    case 'VARCHAR[]':
      return Array.isArray(value) ? value.map(String) : [String(value)];
    case 'BIGINT':
      return Math.trunc(Number(value));
    case 'DOUBLE':
      return Number(value);
    case 'BOOLEAN':
      return typeof value === 'string' ? value.toLowerCase() === 'true' : Boolean(value);
    case 'JSON':
      return value;
    default:
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** UTC `YYYY-MM-DD HH:MM:SS.mmm`: unambiguous for a TIMESTAMP (no zone) column. */
function timestampText(value: unknown): string | null {
  const date = value instanceof Date ? value : new Date(typeof value === 'number' ? value : String(value));
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Merge mode: incoming rows plus the affected partitions' existing rows whose key no incoming row has. */
async function mergeWithExisting(
  db: Database,
  spec: DatasetSpec,
  datasetDir: string,
  affected: readonly PartitionValues[],
): Promise<string> {
  if (spec.mode.kind !== 'merge') return 'incoming';
  const files: string[] = [];
  for (const values of affected) {
    const dir = partitionDir(datasetDir, spec, values);
    files.push(...(await listFiles(dir)).filter((file) => file.endsWith('.parquet')));
  }
  if (files.length === 0) return 'incoming';
  const columns = spec.columns
    .map((column) => `CAST(${quoteIdentifier(column.name)} AS ${column.type}) AS ${quoteIdentifier(column.name)}`)
    .join(', ');
  const key = spec.mode.key.map((name) => quoteIdentifier(name)).join(', ');
  await db.run(
    `CREATE TABLE existing AS SELECT ${columns} FROM read_parquet([${files.map(quoteLiteral).join(', ')}], hive_partitioning = true, hive_types_autocast = false, union_by_name = true)`,
  );
  await db.run(
    `CREATE TABLE combined AS SELECT * FROM incoming UNION ALL BY NAME SELECT existing.* FROM existing ANTI JOIN (SELECT DISTINCT ${key} FROM incoming) AS incoming_keys USING (${key})`,
  );
  return 'combined';
}

async function stagePartitions(
  db: Database,
  spec: DatasetSpec,
  source: string,
  outDir: string,
  affected: readonly PartitionValues[],
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const partitioned = spec.partitionBy.length > 0;
  const [{ count }] = (await db.all<{ count: number }>(`SELECT count(*) AS count FROM ${quoteIdentifier(source)}`)) as [
    { count: number },
  ];
  // Merged rows arrive in an order that depends on what each run fetched (incoming first, then the
  // kept rows); sorted, an unchanged merge writes the same bytes and the partition stays in place.
  const order = spec.mode.kind === 'merge' ? ' ORDER BY ALL' : '';
  if (count > 0 && partitioned) {
    await db.run(
      `COPY (SELECT * FROM ${quoteIdentifier(source)}${order}) TO ${quoteLiteral(outDir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${spec.partitionBy
        .map((key) => quoteIdentifier(key))
        .join(', ')}), FILENAME_PATTERN 'part-{uuid}')`,
    );
  }
  const fileColumns = spec.columns
    .filter((column) => !spec.partitionBy.includes(column.name))
    .map((column) => quoteIdentifier(column.name))
    .join(', ');
  for (const values of affected) {
    const dir = partitionDir(outDir, spec, values);
    if (partitioned && (await pathExists(dir))) continue;
    await mkdir(dir, { recursive: true });
    const where = partitioned ? 'WHERE false' : '';
    await db.run(
      `COPY (SELECT ${fileColumns} FROM ${quoteIdentifier(source)} ${where}${order}) TO ${quoteLiteral(
        join(dir, `part-${randomUUID()}.parquet`),
      )} (FORMAT parquet, COMPRESSION zstd)`,
    );
  }
}

/** Moves each staged partition folder into place; the folder it replaces is moved aside first. */
async function swapPartitions(
  spec: DatasetSpec,
  outDir: string,
  datasetDir: string,
  replacedDir: string,
  affected: readonly PartitionValues[],
): Promise<void> {
  await mkdir(replacedDir, { recursive: true });
  for (const values of affected) {
    const staged = partitionDir(outDir, spec, values);
    const target = partitionDir(datasetDir, spec, values);
    if (await pathExists(target)) {
      if (await sameParquetContents(staged, target)) continue;
      await rename(target, join(replacedDir, randomUUID()));
    }
    await mkdir(dirname(target), { recursive: true });
    await rename(staged, target);
  }
}

/** What a write that had nothing to add reports: the dataset as it stands. */
export async function unchangedDataset(layout: LakeLayout, spec: DatasetSpec): Promise<WriteDatasetResult> {
  const datasetDir = layout.datasetDir(spec.name);
  return { name: spec.name, written: 0, rows: await countRows(datasetDir), partitions: 0, path: datasetDir };
}

async function countRows(datasetDir: string): Promise<number> {
  const files = (await listFiles(datasetDir)).filter((file) => file.endsWith('.parquet'));
  if (files.length === 0) return 0;
  const db = await openDatabase(':memory:', { threads: 1 });
  try {
    const [row] = await db.all<{ count: number }>(
      `SELECT count(*) AS count FROM read_parquet([${files.map(quoteLiteral).join(', ')}])`,
    );
    return Number(row?.count ?? 0);
  } finally {
    db.close();
  }
}

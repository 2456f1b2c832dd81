/**
 * A worker thread's own DuckDB: rows of each batch are appended (row-columns.ts shapes, a data
 * chunk of 2,048 rows at a time) and, when the batch ends, written by this worker as partitioned
 * zstd Parquet (`event_date=…/account_id=…/part-N.parquet`) into a folder of the batch's staging
 * area. Both cores thus parse AND write Parquet; nothing is serialised to text and parsed again.
 *
 * Memory: DuckDB is bounded by `memoryLimit` and spills the batch's table to `tempDir` beyond it;
 * the partitioned writer flushes every few thousand rows a partition. A table that reaches
 * `maxRows` is written out early (one more file a partition), which bounds the spill too.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBDataChunk, type DuckDBType, DuckDBVarCharType, VARCHAR } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import { type Database, openDatabase, quoteLiteral } from '../../lib/lake/duckdb.js';
import { CLOUDTRAIL_COLUMNS } from './columns.js';
import { carefulRowsQuery, carefulTableSql, fastRowsQuery, fastTableSql, PAYLOAD_COLUMNS } from './row-columns.js';

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;
/** A chunk's validity mask: one bit a row, in 64-bit words. */
const VALIDITY_BYTES = (CHUNK_ROWS / 64) * 8;
const JSON_TYPE = DuckDBVarCharType.create('JSON');
const FAST_TYPES: DuckDBType[] = [VARCHAR, JSON_TYPE, ...PAYLOAD_COLUMNS.map(() => JSON_TYPE)];
const CAREFUL_TYPES: DuckDBType[] = CLOUDTRAIL_COLUMNS.map(() => VARCHAR);

export interface RowStoreOptions {
  /** Where DuckDB spills (a folder of the run's staging area). */
  readonly tempDir: string;
  readonly memoryLimit: string;
  /** Rows of one batch after which they are written out early. */
  readonly maxRows: number;
  /** Distinguishes this worker's files from the other workers'. */
  readonly workerId: number;
}

/** A column value: text, or UTF-8 bytes (a slice of the log object: copied into DuckDB as they are). */
export type CellValue = string | Uint8Array | null;

/** The rows of one batch not yet appended to DuckDB, as column arrays. */
class PendingColumns {
  readonly columns: CellValue[][];
  constructor(width: number) {
    this.columns = Array.from({ length: width }, () => []);
  }
  get size(): number {
    return this.columns[0]?.length ?? 0;
  }
  clear(): void {
    for (const column of this.columns) column.length = 0;
  }
}

interface BatchRows {
  readonly number: number;
  readonly outputDir: string;
  readonly fast: PendingColumns;
  readonly careful: PendingColumns;
  /** Rows in the DuckDB tables (appended, not yet written). */
  stored: number;
  /** Rows written to Parquet so far. */
  written: number;
  tablesCreated: boolean;
  flushes: number;
}

export class RowStore {
  private readonly batches = new Map<number, BatchRows>();

  private constructor(
    private readonly db: Database,
    private readonly options: RowStoreOptions,
  ) {}

  static async open(options: RowStoreOptions): Promise<RowStore> {
    await mkdir(options.tempDir, { recursive: true });
    const db = await openDatabase(':memory:', { threads: 1, memoryLimit: options.memoryLimit });
    // A partition's rows are written every 4,096 rows, so open partition writers hold little.
    // DuckDB's allocator keeps freed memory for reuse: after a native group (tens of MB of JSON,
    // native-batch.ts) it held ~300 MB more of the process's RSS; flushing it at 32 MB instead of
    // 128/512 MB costs ~4 CPU-s of madvise on 1.5M events (bench/RESULTS.md).
    await db.run(
      `SET temp_directory = ${quoteLiteral(options.tempDir)}; SET preserve_insertion_order = false;
       SET partitioned_write_flush_threshold = 4096; SET partitioned_write_max_open_files = 64;
       SET allocator_flush_threshold = '32MB'; SET allocator_bulk_deallocation_flush_threshold = '32MB'`,
    );
    return new RowStore(db, options);
  }

  /** Adds a fast row (row-columns.ts): joined scalars, the record's text, the payloads' text. */
  addFast(batch: number, outputDir: string, scalars: string, record: CellValue, payloads: CellValue[]): void {
    const rows = this.batch(batch, outputDir);
    const columns = rows.fast.columns;
    (columns[0] as CellValue[]).push(scalars);
    (columns[1] as CellValue[]).push(record);
    for (let index = 0; index < payloads.length; index++) (columns[index + 2] as CellValue[]).push(payloads[index] ?? null);
  }

  /** Adds a careful row: every column as text, CLOUDTRAIL_COLUMNS order. */
  addCareful(batch: number, outputDir: string, values: (string | null)[]): void {
    const rows = this.batch(batch, outputDir);
    for (let index = 0; index < values.length; index++) (rows.careful.columns[index] as CellValue[]).push(values[index] ?? null);
  }

  /** Moves full chunks of pending rows into DuckDB, and writes the batch out early when it is large. */
  async settle(batch: number): Promise<void> {
    const rows = this.batches.get(batch);
    if (!rows) return;
    const full = rows.stored + rows.fast.size + rows.careful.size >= this.options.maxRows;
    if (full || rows.fast.size >= CHUNK_ROWS) await this.append(rows, 'fast');
    if (full || rows.careful.size >= CHUNK_ROWS) await this.append(rows, 'careful');
    if (full) await this.writeOut(rows);
  }

  /** Writes every row of the batch to Parquet under its output folder; returns the rows written. */
  async finish(batch: number): Promise<number> {
    const rows = this.batches.get(batch);
    if (!rows) return 0;
    this.batches.delete(batch);
    await this.append(rows, 'fast');
    await this.append(rows, 'careful');
    await this.writeOut(rows);
    if (rows.tablesCreated) await this.db.run(`DROP TABLE fast_${rows.number}; DROP TABLE careful_${rows.number}`);
    return rows.written;
  }

  close(): void {
    this.db.close();
  }

  /** The worker's DuckDB, for the native path's statements (native-batch.ts): one memory budget a worker. */
  get database(): Database {
    return this.db;
  }

  get memoryLimit(): string {
    return this.options.memoryLimit;
  }

  private batch(number: number, outputDir: string): BatchRows {
    let rows = this.batches.get(number);
    if (!rows) {
      rows = {
        number,
        outputDir,
        fast: new PendingColumns(FAST_TYPES.length),
        careful: new PendingColumns(CAREFUL_TYPES.length),
        stored: 0,
        written: 0,
        tablesCreated: false,
        flushes: 0,
      };
      this.batches.set(number, rows);
    }
    return rows;
  }

  private async append(rows: BatchRows, kind: 'fast' | 'careful'): Promise<void> {
    const pending = rows[kind];
    if (pending.size === 0) return;
    await this.ensureTables(rows);
    const appender = await this.db.connection.createAppender(`${kind}_${rows.number}`);
    const types = kind === 'fast' ? FAST_TYPES : CAREFUL_TYPES;
    try {
      for (let from = 0; from < pending.size; from += CHUNK_ROWS) {
        const count = Math.min(CHUNK_ROWS, pending.size - from);
        const chunk = DuckDBDataChunk.create(types, count);
        for (let index = 0; index < pending.columns.length; index++) {
          fillVector(chunk, index, pending.columns[index] as CellValue[], from, count);
        }
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    rows.stored += pending.size;
    pending.clear();
  }

  private async ensureTables(rows: BatchRows): Promise<void> {
    if (rows.tablesCreated) return;
    await this.db.run(`${fastTableSql(`fast_${rows.number}`)}; ${carefulTableSql(`careful_${rows.number}`)}`);
    rows.tablesCreated = true;
  }

  private async writeOut(rows: BatchRows): Promise<void> {
    if (rows.stored === 0) return;
    // A COPY that fails leaves no files behind: the main thread publishes every file under the batch's folder.
    const copy = async (target: string) => {
      try {
        await this.db.run(
          `COPY (${fastRowsQuery(`fast_${rows.number}`)} UNION ALL ${carefulRowsQuery(`careful_${rows.number}`)})
           TO ${quoteLiteral(target)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1,
             PARTITION_BY (event_date, account_id), FILENAME_PATTERN 'part-{i}')`,
        );
      } catch (error) {
        await rm(target, { recursive: true, force: true });
        throw error;
      }
    };
    try {
      await copy(join(rows.outputDir, `w${this.options.workerId}-${rows.flushes++}`));
    } catch (error) {
      if (!isOutOfMemory(error)) throw error;
      // Unusually large rows or many partitions: once more, with twice the memory.
      await withDoubledMemory(this.db, this.options.memoryLimit, () =>
        copy(join(rows.outputDir, `w${this.options.workerId}-${rows.flushes++}`)),
      );
    }
    await this.db.run(`DELETE FROM fast_${rows.number}; DELETE FROM careful_${rows.number}`);
    rows.written += rows.stored;
    rows.stored = 0;
  }
}

/**
 * Runs `work` with twice the DuckDB memory limit (`'192MB'` → `'384MB'`, `'1.5GiB'` → `'3GiB'`),
 * then sets `limit` back: the one retry after DuckDB ran out (here and in native-batch.ts).
 */
export async function withDoubledMemory<T>(db: Database, limit: string, work: () => Promise<T>): Promise<T> {
  await db.run(`SET memory_limit = ${quoteLiteral(doubledLimit(limit))}`);
  try {
    return await work();
  } finally {
    await db.run(`SET memory_limit = ${quoteLiteral(limit)}`);
  }
}

/** Whether DuckDB failed because it ran out of memory (the one error worth a retry with more). */
export function isOutOfMemory(error: unknown): boolean {
  return /Out of Memory/i.test((error as Error)?.message ?? '');
}

/** A DuckDB memory limit (`<number><unit>`, as DuckDB accepts it) twice as large. */
export function doubledLimit(limit: string): string {
  const parts = /^\s*(\d+(?:\.\d+)?)\s*(B|[KMGT]i?B)\s*$/i.exec(limit);
  if (!parts) throw new Error(`row-store.ts: cannot double the DuckDB memory limit ${JSON.stringify(limit)}`);
  return `${Number(parts[1]) * 2}${parts[2]}`;
}

/**
 * Writes rows [from, from + count) of a text column into the chunk's vector straight through the
 * bindings: one call a value, bytes copied as they are (node-api's vector wrappers cost ~0.4 µs a
 * value, measured). NULLs clear the value's bit in the validity mask.
 */
function fillVector(chunk: DuckDBDataChunk, columnIndex: number, column: CellValue[], from: number, count: number): void {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, columnIndex);
  let validity: Uint8Array | null = null;
  for (let row = 0; row < count; row++) {
    const value = column[from + row];
    if (value === null || value === undefined) {
      validity ??= new Uint8Array(VALIDITY_BYTES).fill(0xff);
      validity[row >> 3] = (validity[row >> 3] as number) & ~(1 << (row & 7));
    } else if (typeof value === 'string') bindings.vector_assign_string_element(vector, row, value);
    else bindings.vector_assign_string_element_len(vector, row, value);
  }
  if (validity !== null) {
    // The bindings hand out a copy of the mask: write ours back whole.
    bindings.vector_ensure_validity_writable(vector);
    bindings.copy_data_to_vector_validity(vector, 0, validity.buffer as ArrayBuffer, 0, VALIDITY_BYTES);
  }
}

/**
 * The unit of work a worker does: read one log object (from a local path or bytes the main thread
 * fetched), gunzip, parse, hash, normalise every record, and hand each row to the worker's row
 * store (row-store.ts), which writes the batch's Parquet. The main thread gets back only counts
 * and the records that could not be used.
 *
 * A canonical record (record-scan.ts) goes as a *fast* row: its own text and its payloads' text,
 * sliced from the object, never serialised again; anything else as a *careful* row (row-columns.ts).
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import {
  type CloudtrailRow,
  isRecordProblem,
  normaliseRecord,
  type RecordOrigin,
  type RecordProblemReason,
} from './normalise-record.js';
import { isObjectProblem, type ObjectProblemReason, type ParsedLogObject, parseLogObject } from './parse-log-object.js';
import { type RecordLayout, scanRecords } from './record-scan.js';
import { carefulValues, joinable, joinScalars } from './row-columns.js';

export interface ObjectTask {
  readonly id: number;
  readonly origin: RecordOrigin;
  /** Read the object from this file ... */
  readonly path?: string;
  /** ... or take these bytes (S3, LookupEvents). */
  readonly bytes?: Uint8Array;
  readonly hash: boolean;
  /** The batch the rows belong to, and the folder its Parquet files go to. */
  readonly batch: number;
  readonly outputDir: string;
}

export interface QuarantinedRecord {
  readonly index: number;
  readonly reason: RecordProblemReason;
  readonly detail: string;
  /** The record as JSON text, kept whole. */
  readonly record: string;
}

export interface ObjectTaskResult {
  readonly id: number;
  /** Records in the object (0 when the object itself is unreadable). */
  readonly records: number;
  /** Rows handed to the row store. */
  readonly rows: number;
  readonly quarantinedRecords: QuarantinedRecord[];
  readonly objectProblem: { readonly reason: ObjectProblemReason; readonly detail: string } | null;
  readonly sha256: string | null;
  readonly bytesRead: number;
  /** True when DuckDB read the object whole and wrote (some of) its rows (native-tasks.ts). */
  readonly native?: boolean;
}

/** Where rows go (row-store.ts in a worker). */
export interface RowSink {
  /** Record and payloads as the object's own UTF-8 bytes. */
  addFast(batch: number, outputDir: string, scalars: string, record: Uint8Array, payloads: (Uint8Array | null)[]): void;
  addCareful(batch: number, outputDir: string, values: (string | null)[]): void;
}

const PAYLOAD_COUNT = 6;

/**
 * `reading`: the file's bytes when the caller started reading it ahead. `only`: hand the sink only
 * these records' rows (the others were written by the native path, native-batch.ts); the result
 * still describes the whole object.
 */
export async function runObjectTask(
  task: ObjectTask,
  sink: RowSink,
  reading?: Promise<Uint8Array>,
  only?: ReadonlySet<number>,
): Promise<ObjectTaskResult> {
  let bytes: Uint8Array;
  try {
    bytes = task.bytes ?? (await (reading ?? readFile(task.path as string)));
  } catch (error) {
    return failed(task, 0, { reason: 'unreadable', detail: `cannot read ${task.path}: ${(error as Error).message}` }, null);
  }
  const parsed = parseLogObject(bytes, { hash: task.hash });
  if (isObjectProblem(parsed)) return failed(task, bytes.byteLength, parsed, parsed.sha256);
  const quarantinedRecords: QuarantinedRecord[] = [];
  const text = objectText(parsed, originJoinable(task.origin));
  let rows = 0;
  parsed.records.forEach((record, index) => {
    const row = normaliseRecord(record, task.origin);
    if (isRecordProblem(row)) {
      quarantinedRecords.push({ index, reason: row.reason, detail: row.detail, record: JSON.stringify(record) ?? 'undefined' });
      return;
    }
    rows++;
    if (only && !only.has(index)) return;
    if (text.fast && text.layout?.canonical[index] === 1) addFastRow(task, sink, row, text, index);
    else sink.addCareful(task.batch, task.outputDir, carefulValues(row, text.recordText(index, record)));
  });
  return {
    id: task.id,
    records: parsed.records.length,
    rows,
    quarantinedRecords,
    objectProblem: null,
    sha256: parsed.sha256,
    bytesRead: bytes.byteLength,
  };
}

function addFastRow(task: ObjectTask, sink: RowSink, row: CloudtrailRow, text: ObjectText, index: number): void {
  const layout = text.layout as RecordLayout;
  const bytes = text.bytes;
  const payloads: (Uint8Array | null)[] = new Array(PAYLOAD_COUNT);
  for (let k = 0; k < PAYLOAD_COUNT; k++) {
    const at = (index * PAYLOAD_COUNT + k) * 2;
    const start = layout.payloads[at] as number;
    const end = layout.payloads[at + 1] as number;
    // JSON null is SQL NULL in the dataset, as it always was.
    payloads[k] = start < 0 || isJsonNull(bytes, start, end) ? null : bytes.subarray(start, end);
  }
  const record = bytes.subarray(layout.spans[2 * index] as number, layout.spans[2 * index + 1] as number);
  sink.addFast(task.batch, task.outputDir, joinScalars(row), record, payloads);
}

function isJsonNull(bytes: Uint8Array, start: number, end: number): boolean {
  return (
    end - start === 4 &&
    bytes[start] === 0x6e &&
    bytes[start + 1] === 0x75 &&
    bytes[start + 2] === 0x6c &&
    bytes[start + 3] === 0x6c
  );
}

interface ObjectText {
  /** True when canonical records may go as fast rows. */
  readonly fast: boolean;
  readonly layout: RecordLayout | null;
  readonly bytes: Buffer;
  /** A careful row's record text: its own bytes from a one-line `{"Records": [...]}`, else re-serialised. */
  recordText(index: number, record: unknown): string;
}

/**
 * The object's text and record layout. Fast rows need the layout, valid UTF-8 (JSON.parse replaced
 * bad bytes; the dataset holds what it read) and origin strings without the row separators.
 */
function objectText(parsed: ParsedLogObject, originOk: boolean): ObjectText {
  const bytes = parsed.text;
  const utf8 = isUtf8(bytes);
  const layout = utf8 ? scanRecords(bytes, parsed.records.length) : null;
  // A record's bytes are reused only from a one-line `{"Records": [...]}` (as the dataset always held); else re-serialised.
  const reusable = layout !== null && parsed.onlyRecords && !hasLineBreakBefore(bytes, lastEnd(layout));
  return {
    fast: layout !== null && originOk,
    layout,
    bytes,
    recordText: (index, record) =>
      reusable && layout
        ? bytes.toString('utf8', layout.spans[2 * index] as number, layout.spans[2 * index + 1] as number)
        : (JSON.stringify(record) ?? 'null'),
  };
}

function lastEnd(layout: RecordLayout): number {
  return layout.spans.length === 0 ? 0 : (layout.spans[layout.spans.length - 1] as number);
}

function hasLineBreakBefore(bytes: Buffer, end: number): boolean {
  const lineBreak = bytes.indexOf(0x0a);
  const carriageReturn = bytes.indexOf(0x0d);
  return (lineBreak >= 0 && lineBreak < end) || (carriageReturn >= 0 && carriageReturn < end);
}

/** A key or delivery time holding a row separator sends every row of the object the careful way. */
function originJoinable(origin: RecordOrigin): boolean {
  return joinable(origin.sourceObject) && joinable(origin.deliveredAt);
}

function failed(
  task: ObjectTask,
  bytesRead: number,
  problem: { reason: ObjectProblemReason; detail: string },
  sha256: string | null,
): ObjectTaskResult {
  return {
    id: task.id,
    records: 0,
    rows: 0,
    quarantinedRecords: [],
    objectProblem: { reason: problem.reason, detail: problem.detail },
    sha256,
    bytesRead,
  };
}

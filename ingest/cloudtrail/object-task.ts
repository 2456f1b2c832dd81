/**
 * The unit of work a worker does: read one log object (from a local path or bytes the main thread
 * fetched), gunzip, parse, hash, normalise every record, and append a spool line per row
 * (spool-line.ts: the typed columns, then the record's own bytes) to the batch's spool file,
 * which DuckDB then reads in parallel straight into Parquet. The main thread gets back only counts
 * and the records that could not be used.
 *
 * Why a spool file rather than DuckDB's appender: building DuckDB values from JS on the main thread
 * measured ~30k rows/s; DuckDB's own parallel NDJSON reader is an order of magnitude faster.
 */
import { readFile } from 'node:fs/promises';
import {
  type CloudtrailRow,
  isRecordProblem,
  normaliseRecord,
  type RecordOrigin,
  type RecordProblemReason,
} from './normalise-record.js';
import { isObjectProblem, type ObjectProblemReason, parseLogObject } from './parse-log-object.js';
import { spoolLines } from './spool-line.js';

export interface ObjectTask {
  readonly id: number;
  readonly origin: RecordOrigin;
  /** Read the object from this file ... */
  readonly path?: string;
  /** ... or take these bytes (S3, LookupEvents). */
  readonly bytes?: Uint8Array;
  readonly hash: boolean;
  /** The NDJSON spool file this batch's rows go to; `<spoolPath>.keys` gets the de-duplication keys. */
  readonly spoolPath: string;
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
  /** Rows appended to the spool file. */
  readonly rows: number;
  /** Longest spool line written (DuckDB's reader must allow it). */
  readonly spoolLineBytes: number;
  readonly quarantinedRecords: QuarantinedRecord[];
  readonly objectProblem: { readonly reason: ObjectProblemReason; readonly detail: string } | null;
  readonly sha256: string | null;
  readonly bytesRead: number;
}

export type SpoolWriter = (spoolPath: string, data: string | Buffer) => void;

export async function runObjectTask(task: ObjectTask, writeSpool: SpoolWriter): Promise<ObjectTaskResult> {
  let bytes: Uint8Array;
  try {
    bytes = task.bytes ?? (await readFile(task.path as string));
  } catch (error) {
    return failed(task, 0, { reason: 'unreadable', detail: `cannot read ${task.path}: ${(error as Error).message}` }, null);
  }
  const parsed = parseLogObject(bytes, { hash: task.hash });
  if (isObjectProblem(parsed)) return failed(task, bytes.byteLength, parsed, parsed.sha256);
  const quarantinedRecords: QuarantinedRecord[] = [];
  const rows: (CloudtrailRow | null)[] = [];
  const keys: string[] = [];
  parsed.records.forEach((record, index) => {
    const row = normaliseRecord(record, task.origin);
    if (isRecordProblem(row)) {
      quarantinedRecords.push({ index, reason: row.reason, detail: row.detail, record: JSON.stringify(record) ?? 'undefined' });
      rows.push(null);
      return;
    }
    rows.push(row);
    keys.push(`{"event_id":${JSON.stringify(row.event_id)},"event_date":"${row.event_date}","account_id":"${row.account_id}"}`);
  });
  let spoolLineBytes = 0;
  if (keys.length > 0) {
    const lines = spoolLines({ rows, records: parsed.records, text: parsed.text, onlyRecords: parsed.onlyRecords });
    spoolLineBytes = lines.maxLineBytes;
    // One write per object keeps lines whole even when two tasks of this worker overlap.
    writeSpool(task.spoolPath, lines.data);
    writeSpool(`${task.spoolPath}.keys`, `${keys.join('\n')}\n`);
  }
  return {
    id: task.id,
    records: parsed.records.length,
    rows: keys.length,
    spoolLineBytes,
    quarantinedRecords,
    objectProblem: null,
    sha256: parsed.sha256,
    bytesRead: bytes.byteLength,
  };
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
    spoolLineBytes: 0,
    quarantinedRecords: [],
    objectProblem: { reason: problem.reason, detail: problem.detail },
    sha256,
    bytesRead,
  };
}

/**
 * A log object's normalised rows as NDJSON spool lines, and the SQL that turns spool lines back
 * into the dataset's columns. A line is one row:
 *
 *   {"a": event_id, "b": event_time, … (the typed columns), "zz": <the record>}
 *
 * Why this shape (measured, bench/RESULTS.md): serialising each record again in the workers
 * (JSON.stringify, then UTF-8 encoding) cost as much as parsing it. The record's own bytes are
 * copied from the object instead (a byte scan finds where each record starts and ends), and the
 * other columns use one- or two-letter keys. Tried and dropped: one line per object (DuckDB reads
 * 2,048 lines at a time: whole objects ran out of memory) and taking the JSON payload columns out
 * of the record with `json_extract` in DuckDB (its partitioned writer then ran out of memory on
 * many small partitions).
 */
import { isUtf8 } from 'node:buffer';
import { CLOUDTRAIL_COLUMNS } from './columns.js';
import type { CloudtrailRow } from './normalise-record.js';

/** Every column but `record`, under short keys, in the order of typedValues() (a test holds the two together). */
export const TYPED_COLUMNS: readonly string[] = CLOUDTRAIL_COLUMNS.map((column) => column.name).filter(
  (name) => name !== 'record',
);

/** The record's key in a spool line: spoolKey() never makes it (it would need 50 typed columns). */
const RECORD_KEY = 'zz';

/** Spool key of each typed column: a … y, then za, zb, … (short, and letters only: V8's fast path). */
export function spoolKey(index: number): string {
  const letter = (n: number) => String.fromCharCode(97 + n);
  return index < 25 ? letter(index) : `z${letter(index - 25)}`;
}

/**
 * A row's values but the record, under their spool keys (TYPED_COLUMNS order, a test holds the two
 * together). An object literal keeps JSON.stringify on its fast path.
 */
export function typedValues(row: CloudtrailRow): Record<string, unknown> {
  return {
    a: row.event_id,
    b: row.event_time,
    c: row.event_version,
    d: row.event_source,
    e: row.event_name,
    f: row.aws_region,
    g: row.recipient_account_id,
    h: row.source_ip,
    i: row.user_agent,
    j: row.error_code,
    k: row.error_message,
    l: row.read_only,
    m: row.event_type,
    n: row.management_event,
    o: row.event_category,
    p: row.shared_event_id,
    q: row.request_id,
    r: row.addendum_reason,
    s: row.principal_type,
    t: row.principal_arn,
    u: row.principal_id,
    v: row.principal_account_id,
    w: row.principal_user_name,
    x: row.access_key_id,
    y: row.session_issuer_type,
    za: row.session_issuer_arn,
    zb: row.session_issuer_name,
    zc: row.session_name,
    zd: row.session_created_at,
    ze: row.identity_center_user_id,
    zf: row.identity_store_arn,
    zg: row.invoked_by,
    zh: row.mfa_authenticated,
    zi: row.request_parameters,
    zj: row.response_elements,
    zk: row.additional_event_data,
    zl: row.resources,
    zm: row.service_event_details,
    zn: row.tls_details,
    zo: row.source_object,
    zp: row.delivered_at,
    zq: row.event_date,
    zr: row.account_id,
  };
}

export interface SpoolObject {
  /** One entry per record, in order: its row, or null when the record was quarantined. */
  readonly rows: readonly (CloudtrailRow | null)[];
  readonly records: readonly unknown[];
  /** The uncompressed object: each record's own bytes are copied from it when possible. */
  readonly text?: Buffer;
  readonly onlyRecords?: boolean;
}

export interface SpoolLines {
  /** The object's lines, newline included, for one write. */
  readonly data: string | Buffer;
  /** The longest line (DuckDB's reader must allow it). */
  readonly maxLineBytes: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LF = 0x0a;
const CR = 0x0d;
const RECORDS_KEY = '"Records"';

/** One line per row, `{<typed values>,"zz":<the record>}`, quarantined records left out. */
export function spoolLines(object: SpoolObject): SpoolLines {
  const spans = reusableSpans(object);
  const heads: string[] = [];
  let maxLineBytes = 0;
  if (spans === null) {
    let lines = '';
    object.rows.forEach((row, index) => {
      if (row === null) return;
      const typed = JSON.stringify(typedValues(row));
      const line = `${typed.slice(0, -1)},"${RECORD_KEY}":${JSON.stringify(object.records[index])}}\n`;
      maxLineBytes = Math.max(maxLineBytes, line.length * 3);
      lines += line;
    });
    return { data: lines, maxLineBytes };
  }
  const text = object.text as Buffer;
  let total = 0;
  object.rows.forEach((row, index) => {
    if (row === null) return;
    const head = `${JSON.stringify(typedValues(row)).slice(0, -1)},"${RECORD_KEY}":`;
    heads.push(head);
    const bytes = Buffer.byteLength(head) + ((spans[2 * index + 1] as number) - (spans[2 * index] as number)) + 2;
    maxLineBytes = Math.max(maxLineBytes, bytes);
    total += bytes;
  });
  const data = Buffer.allocUnsafe(total);
  let offset = 0;
  let head = 0;
  object.rows.forEach((row, index) => {
    if (row === null) return;
    offset += data.write(heads[head++] as string, offset);
    offset += text.copy(data, offset, spans[2 * index], spans[2 * index + 1]);
    data[offset++] = CLOSE_BRACE;
    data[offset++] = LF;
  });
  return { data, maxLineBytes };
}

/**
 * [start, end) of every record in the object's bytes, or null when they cannot be copied as they
 * are: not exactly `{"Records": [...]}`, a line break inside (a line must stay one line), bytes that
 * are not UTF-8 (JSON.parse replaced them; DuckDB would reject them), or a record that is not an object.
 */
function reusableSpans(object: SpoolObject): Int32Array | null {
  const { text } = object;
  if (!text || !object.onlyRecords || object.records.length === 0 || !isUtf8(text)) return null;
  const spans = recordSpans(text, object.records.length);
  if (spans === null) return null;
  // A line break after the last record (a final newline) is harmless; one inside a record is not.
  const lastEnd = spans[spans.length - 1] as number;
  const lineBreak = text.indexOf(LF);
  const carriageReturn = text.indexOf(CR);
  if ((lineBreak >= 0 && lineBreak < lastEnd) || (carriageReturn >= 0 && carriageReturn < lastEnd)) return null;
  return spans;
}

/** Scans a valid JSON document `{"Records": [{...}, ...]}` for its records' byte ranges. */
export function recordSpans(text: Uint8Array, count: number): Int32Array | null {
  let i = skipSpace(text, 0);
  if (text[i] !== OPEN_BRACE) return null;
  i = skipSpace(text, i + 1);
  for (let k = 0; k < RECORDS_KEY.length; k++) if (text[i + k] !== RECORDS_KEY.charCodeAt(k)) return null;
  i = skipSpace(text, i + RECORDS_KEY.length);
  if (text[i] !== COLON) return null;
  i = skipSpace(text, i + 1);
  if (text[i] !== OPEN_BRACKET) return null;
  i = skipSpace(text, i + 1);
  const spans = new Int32Array(count * 2);
  if (text[i] === CLOSE_BRACKET) return count === 0 ? spans : null;
  for (let n = 0; n < count; n++) {
    if (text[i] !== OPEN_BRACE) return null;
    const end = objectEnd(text, i);
    if (end < 0) return null;
    spans[2 * n] = i;
    spans[2 * n + 1] = end;
    i = skipSpace(text, end);
    if (text[i] === COMMA) i = skipSpace(text, i + 1);
    else if (text[i] === CLOSE_BRACKET) return n + 1 === count ? spans : null;
    else return null;
  }
  return null;
}

/** Index just past the object that opens at `start` (strings and their escapes skipped). */
function objectEnd(text: Uint8Array, start: number): number {
  let depth = 0;
  let i = start;
  const length = text.length;
  while (i < length) {
    const byte = text[i++];
    if (byte === QUOTE) {
      while (i < length) {
        const c = text[i++];
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (--depth === 0) return i;
    }
  }
  return -1;
}

function skipSpace(text: Uint8Array, from: number): number {
  let i = from;
  while (i < text.length) {
    const byte = text[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== LF && byte !== CR) break;
    i++;
  }
  return i;
}

/**
 * `SELECT <every dataset column, in order> FROM <spool files>`. `maxLineBytes` bounds DuckDB's
 * reader.
 */
export function spoolRowsQuery(spoolFileList: string, maxLineBytes: number): string {
  const select = CLOUDTRAIL_COLUMNS.map((column) =>
    column.name === 'record' ? `${RECORD_KEY} AS record` : `${spoolKey(TYPED_COLUMNS.indexOf(column.name))} AS ${column.name}`,
  );
  const typed = TYPED_COLUMNS.map((name, index) => `${spoolKey(index)}: '${typeOf(name)}'`).join(', ');
  return `SELECT ${select.join(', ')} FROM read_json(${spoolFileList}, format = 'newline_delimited',
    maximum_object_size = ${objectSizeLimit(maxLineBytes)}, columns = {${typed}, ${RECORD_KEY}: 'JSON'})`;
}

function typeOf(name: string): string {
  return CLOUDTRAIL_COLUMNS.find((column) => column.name === name)?.type ?? 'VARCHAR';
}

/** DuckDB's default (16 MB) unless a line is longer: then the next power of two above it. */
function objectSizeLimit(maxLineBytes: number): number {
  let limit = 16 * 1024 * 1024;
  while (limit <= maxLineBytes) limit *= 2;
  return limit;
}

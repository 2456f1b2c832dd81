/**
 * How a normalised row reaches the worker's DuckDB, and the SQL that turns it back into the
 * dataset's columns (CLOUDTRAIL_COLUMNS order and types).
 *
 * Every value crossing from JS into a DuckDB vector costs ~0.4 µs (measured: 37 VARCHAR columns
 * appended one value at a time ran at 17 µs a row), so a row crosses as few values as possible:
 *
 * - a *fast* row (the record is canonical, record-scan.ts): its scalar columns joined into one
 *   string (unit separator between values, record separator for NULL), the record's own text and
 *   the six payloads' own text — already the JSON DuckDB would write, so they go in as JSON unchecked;
 * - a *careful* row (anything else: a number DuckDB would print differently, `\u` escapes, bytes
 *   that are not UTF-8, a pretty-printed object): every column on its own, the JSON ones serialised
 *   with JSON.stringify and normalised by DuckDB's `json()` — what DuckDB's JSON reader wrote before.
 */
import { CLOUDTRAIL_COLUMNS, type ColumnSpec } from './columns.js';
import { eventKeySql } from './event-key.js';
import type { CloudtrailRow } from './normalise-record.js';

export const UNIT_SEPARATOR = '\x1f';
export const NULL_MARK = '\x1e';

const JSON_COLUMNS = CLOUDTRAIL_COLUMNS.filter((column) => column.type === 'JSON' && column.name !== 'record');

/** The payload columns, in the order of record-scan.ts's PAYLOAD_KEYS (a test holds the two together). */
export const PAYLOAD_COLUMNS: readonly string[] = JSON_COLUMNS.map((column) => column.name);

/** The columns a fast row joins into one string, in CLOUDTRAIL_COLUMNS order. */
export const SCALAR_COLUMNS: readonly ColumnSpec[] = CLOUDTRAIL_COLUMNS.filter((column) => column.type !== 'JSON');
const SCALAR_NAMES = SCALAR_COLUMNS.map((column) => column.name as keyof CloudtrailRow);

/** The scalar values of a row, joined (see the file comment). The caller knows none holds a separator. */
export function joinScalars(row: CloudtrailRow): string {
  let text = '';
  for (let index = 0; index < SCALAR_NAMES.length; index++) {
    const value = row[SCALAR_NAMES[index] as keyof CloudtrailRow];
    const part = value === null ? NULL_MARK : typeof value === 'boolean' ? (value ? 'true' : 'false') : (value as string);
    text = index === 0 ? part : `${text}${UNIT_SEPARATOR}${part}`;
  }
  return text;
}

/** True when a string may go into a joined row (it holds neither separator). */
export function joinable(text: string | null): boolean {
  return text === null || (text.indexOf(UNIT_SEPARATOR) < 0 && text.indexOf(NULL_MARK) < 0);
}

/** A careful row: every column as text (or null), in CLOUDTRAIL_COLUMNS order. */
export function carefulValues(row: CloudtrailRow, recordText: string): (string | null)[] {
  return CLOUDTRAIL_COLUMNS.map((column) => {
    if (column.name === 'record') return recordText;
    const value = row[column.name as keyof CloudtrailRow];
    if (column.type === 'JSON') return value === null || value === undefined ? null : (JSON.stringify(value) ?? null);
    if (value === null) return null;
    return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  });
}

/** `CREATE TABLE` of the fast rows: the joined scalars, the record, the payloads. */
export function fastTableSql(table: string): string {
  return `CREATE TABLE ${table} (scalars VARCHAR, record JSON, ${PAYLOAD_COLUMNS.map((name) => `${name} JSON`).join(', ')})`;
}

/** `CREATE TABLE` of the careful rows: every column as text. */
export function carefulTableSql(table: string): string {
  return `CREATE TABLE ${table} (${CLOUDTRAIL_COLUMNS.map((column) => `${column.name} VARCHAR`).join(', ')})`;
}

/** The dataset's columns from a fast-row table (`event_id` keyed as event-key.ts says, from the record's own text). */
export function fastRowsQuery(table: string): string {
  const select = CLOUDTRAIL_COLUMNS.map((column) => {
    if (column.type === 'JSON') return column.name;
    const value = `nullif(s[${SCALAR_COLUMNS.indexOf(column) + 1}], chr(30))`;
    if (column.name === 'event_id') return `${eventKeySql(value, 'CAST(record AS VARCHAR)')} AS event_id`;
    return column.type === 'VARCHAR' ? `${value} AS ${column.name}` : `CAST(${value} AS ${column.type}) AS ${column.name}`;
  });
  return `SELECT ${select.join(', ')} FROM (SELECT string_split(scalars, chr(31)) AS s, * EXCLUDE (scalars) FROM ${table})`;
}

/** The dataset's columns from a careful-row table (JSON normalised by DuckDB's `json()`, the key from that text). */
export function carefulRowsQuery(table: string): string {
  const select = CLOUDTRAIL_COLUMNS.map((column) => {
    if (column.name === 'event_id') return `${eventKeySql('event_id', 'CAST(json(record) AS VARCHAR)')} AS event_id`;
    if (column.type === 'VARCHAR') return column.name;
    if (column.type === 'JSON') return `json(${column.name}) AS ${column.name}`;
    return `CAST(${column.name} AS ${column.type}) AS ${column.name}`;
  });
  return `SELECT ${select.join(', ')} FROM ${table}`;
}

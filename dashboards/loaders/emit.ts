/**
 * Writes a loader's result to stdout, where Observable Framework collects it: JSON (with the
 * mart's availability, so a page can say "no data yet"), Arrow IPC for the longer tables, CSV for
 * downloads.
 */
import { Bool, Float64, Table, TimestampMillisecond, tableToIPC, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { formatRows } from '../../lib/output/format.js';
import type { MartSelection } from './marts.js';
import type { ColumnInfo } from './query.js';

const NUMERIC_TYPE_IDS = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 19, 32]);
const TIMESTAMP_TYPE_IDS = new Set([12, 13, 20, 21, 22, 31]);
const BOOLEAN_TYPE_ID = 1;

export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (error) => (error ? reject(error) : resolve()));
  });
}

/** `{mart, available, rows}`: a page tells "no data yet" (available false) from "nothing found" (no rows). */
export function emitJson(selection: MartSelection): Promise<void> {
  const { mart, available, rows } = selection;
  return writeStdout(JSON.stringify({ mart, available, rows }));
}

export function emitValue(value: unknown): Promise<void> {
  return writeStdout(JSON.stringify(value));
}

/** Arrow IPC stream; an unavailable mart gives a table without rows or columns. */
export function emitArrow(selection: MartSelection): Promise<void> {
  return writeStdout(tableToIPC(arrowTable(selection)));
}

export function emitCsv(selection: MartSelection): Promise<void> {
  const header = selection.columns.map((column) => ({ name: column.name }));
  return writeStdout(formatRows(selection.rows as Record<string, unknown>[], 'csv', header));
}

export function arrowTable(selection: Pick<MartSelection, 'columns' | 'rows'>): Table {
  const vectors: Record<string, Vector> = {};
  for (const column of selection.columns) {
    vectors[column.name] = arrowVector(
      column,
      selection.rows.map((row) => row[column.name]),
    );
  }
  return new Table(vectors);
}

function arrowVector(column: ColumnInfo, values: unknown[]): Vector {
  if (NUMERIC_TYPE_IDS.has(column.typeId)) {
    return vectorFromArray(
      values.map((value) => (value === null ? null : Number(value))),
      new Float64(),
    );
  }
  if (TIMESTAMP_TYPE_IDS.has(column.typeId)) {
    return vectorFromArray(
      values.map((value) => (value === null ? null : Date.parse(String(value)))),
      new TimestampMillisecond(),
    );
  }
  if (column.typeId === BOOLEAN_TYPE_ID) return vectorFromArray(values as (boolean | null)[], new Bool());
  // Text, and lists or structs flattened to text: a page shows them, it does not compute on them.
  return vectorFromArray(values.map(textOf), new Utf8());
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => String(item)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

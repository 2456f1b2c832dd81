/**
 * A normalised row as one NDJSON line with the dataset's column names. JSON-typed columns already
 * hold JSON text and are embedded as-is (no second escaping), so DuckDB reads them as JSON values.
 */
import { CLOUDTRAIL_COLUMNS } from './columns.js';
import type { Row } from './normalise-record.js';

const PREFIXES = CLOUDTRAIL_COLUMNS.map((column, index) => `${index === 0 ? '{' : ','}"${column.name}":`);
const RAW_JSON = CLOUDTRAIL_COLUMNS.map((column) => column.type === 'JSON');

export function rowToJsonLine(row: Row): string {
  let line = '';
  for (let index = 0; index < row.length; index++) {
    const value = row[index];
    line += PREFIXES[index];
    if (value === null || value === undefined) line += 'null';
    else if (typeof value === 'boolean') line += value ? 'true' : 'false';
    else line += RAW_JSON[index] ? value : JSON.stringify(value);
  }
  return `${line}}`;
}

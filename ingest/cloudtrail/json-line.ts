/**
 * A normalised row as one NDJSON spool line. The row's keys are the dataset's column names and its
 * JSON columns hold the record's own values, so one JSON.stringify (V8's fast path) writes the
 * whole line; DuckDB reads the nested values back as JSON.
 */
import type { CloudtrailRow } from './normalise-record.js';

export function rowToJsonLine(row: CloudtrailRow): string {
  return JSON.stringify(row);
}

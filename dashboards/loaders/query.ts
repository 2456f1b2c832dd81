/**
 * Runs a query and keeps the DuckDB column types beside the rows, so the Arrow writer can give
 * each column a proper type (timestamps stay timestamps, counts stay numbers) instead of guessing.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { type Database, type Row, type SqlParams, toPlainValue } from '../../lib/lake/duckdb.js';

export interface ColumnInfo {
  readonly name: string;
  /** DuckDBTypeId of the column. */
  readonly typeId: number;
}

export interface QueryResult {
  readonly columns: readonly ColumnInfo[];
  readonly rows: readonly Row[];
}

export async function runQuery(db: Database, sql: string, params?: SqlParams): Promise<QueryResult> {
  const reader = await db.connection.runAndReadAll(sql, params as Record<string, DuckDBValue> | undefined);
  const names = reader.columnNames();
  const columns = reader.columnTypes().map((type, index) => ({ name: names[index] as string, typeId: type.typeId }));
  const rows = reader.getRows().map((values) => {
    const row: Row = {};
    values.forEach((value, index) => {
      const column = columns[index] as ColumnInfo;
      row[column.name] = toPlainValue(value, column.typeId);
    });
    return row;
  });
  return { columns, rows };
}

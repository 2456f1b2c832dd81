/**
 * Inserts plain JS rows (from fixed-rows tests or config) into an existing typed table. Every value
 * travels as a bound parameter and is cast to the column's type: scalars as text, lists, structs
 * and JSON as JSON text, so `['a','b']` lands in a VARCHAR[] and `{queryId: …}` strings stay strings.
 */
import { TransformError } from '../../lib/errors.js';
import { type Database, quoteIdentifier } from '../../lib/lake/duckdb.js';

export async function columnTypes(db: Database, table: string): Promise<Map<string, string>> {
  const rows = await db.all<{ column_name: string; column_type: string }>(
    `SELECT column_name, column_type FROM (DESCRIBE ${quoteIdentifier(table)})`,
  );
  return new Map(rows.map((row) => [row.column_name, row.column_type]));
}

export async function insertRows(db: Database, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const types = await columnTypes(db, table);
  for (const row of rows) {
    const names = Object.keys(row);
    const unknown = names.filter((name) => !types.has(name));
    if (unknown.length > 0) {
      throw new TransformError(`${table} has no column ${unknown.join(', ')}`, {
        hint: `its columns: ${[...types.keys()].join(', ')}`,
      });
    }
    const params: Record<string, string | null> = {};
    const values = names.map((name, index) => {
      const type = types.get(name) as string;
      params[`v${index}`] = encodeValue(row[name], type);
      return isStructured(type) ? `CAST(CAST($v${index} AS JSON) AS ${type})` : `CAST($v${index} AS ${type})`;
    });
    await db.run(
      `INSERT INTO ${quoteIdentifier(table)} (${names.map((name) => quoteIdentifier(name)).join(', ')}) VALUES (${values.join(', ')})`,
      params,
    );
  }
}

function isStructured(type: string): boolean {
  return type === 'JSON' || type.endsWith('[]') || type.startsWith('STRUCT') || type.startsWith('MAP');
}

function encodeValue(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (isStructured(type)) return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

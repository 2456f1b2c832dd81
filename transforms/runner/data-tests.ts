/**
 * dbt-style data tests on the built marts: each contract column may declare `data_tests` —
 * `not_null`, `unique`, `accepted_values: { values: [...] }`, `relationships: { to, field }` — and
 * after a build every one runs against the real table. A failing test fails the transform with the
 * first offending rows, before any mart is published.
 */
import { z } from 'zod';
import { TransformError } from '../../lib/errors.js';
import { assertIdentifier, type Database, quoteIdentifier } from '../../lib/lake/duckdb.js';

export const dataTestSchema = z.union([
  z.literal('not_null'),
  z.literal('unique'),
  z.strictObject({ accepted_values: z.strictObject({ values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }) }),
  z.strictObject({ relationships: z.strictObject({ to: z.string().min(1), field: z.string().min(1) }) }),
]);

export type DataTest = z.infer<typeof dataTestSchema>;

export interface DataTestFailure {
  readonly model: string;
  readonly column: string;
  readonly test: string;
  readonly rows: readonly Record<string, unknown>[];
}

/** How many offending rows a failure shows. */
export const SHOWN_ROWS = 5;

export function dataTestName(test: DataTest): string {
  if (typeof test === 'string') return test;
  if ('accepted_values' in test) return `accepted_values ${JSON.stringify(test.accepted_values.values)}`;
  return `relationships → ${test.relationships.to}.${test.relationships.field}`;
}

/** A query returning the rows that break the test (at most SHOWN_ROWS). */
export function offendingRowsSql(model: string, column: string, test: DataTest): { sql: string; params: Record<string, string> } {
  const table = quoteIdentifier(assertIdentifier(model, 'model name'));
  const col = quoteIdentifier(assertIdentifier(column, 'column name'));
  const limit = `LIMIT ${SHOWN_ROWS}`;
  if (test === 'not_null') return { sql: `SELECT * FROM ${table} WHERE ${col} IS NULL ${limit}`, params: {} };
  if (test === 'unique') {
    return {
      sql: `SELECT ${col}, count(*) AS occurrences FROM ${table} WHERE ${col} IS NOT NULL GROUP BY ${col} HAVING count(*) > 1 ORDER BY ${col} ${limit}`,
      params: {},
    };
  }
  if ('accepted_values' in test) {
    return {
      sql: `SELECT ${col}, count(*) AS occurrences FROM ${table}
            WHERE ${col} IS NOT NULL AND NOT list_contains(CAST(CAST($values AS JSON) AS VARCHAR[]), CAST(${col} AS VARCHAR))
            GROUP BY ${col} ORDER BY ${col} ${limit}`,
      params: { values: JSON.stringify(test.accepted_values.values.map(String)) },
    };
  }
  const target = quoteIdentifier(assertIdentifier(test.relationships.to, 'relationships.to'));
  const field = quoteIdentifier(assertIdentifier(test.relationships.field, 'relationships.field'));
  return {
    sql: `SELECT ${col} FROM ${table} AS child WHERE ${col} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ${target} AS parent WHERE parent.${field} = child.${col}) ${limit}`,
    params: {},
  };
}

export interface ColumnDataTests {
  readonly model: string;
  readonly column: string;
  readonly tests: readonly DataTest[];
}

export async function runDataTests(db: Database, columns: readonly ColumnDataTests[]): Promise<DataTestFailure[]> {
  const failures: DataTestFailure[] = [];
  for (const { model, column, tests } of columns) {
    for (const test of tests) {
      const { sql, params } = offendingRowsSql(model, column, test);
      const rows = await db.all<Record<string, unknown>>(sql, params);
      if (rows.length > 0) failures.push({ model, column, test: dataTestName(test), rows });
    }
  }
  return failures;
}

/** Throws a TransformError listing each failed test with its first offending rows. */
export function assertDataTestsPass(failures: readonly DataTestFailure[], total: number): void {
  if (failures.length === 0) return;
  const lines = failures.map(
    (failure) =>
      `${failure.model}.${failure.column} ${failure.test}: ${failure.rows.map((row) => JSON.stringify(row)).join(' ')}`,
  );
  throw new TransformError(`${failures.length} of ${total} data tests failed on the built marts:\n${lines.join('\n')}`, {
    context: { models: [...new Set(failures.map((failure) => failure.model))].join(',') },
    hint: `the rows shown (first ${SHOWN_ROWS} each) break the data_tests declared in the mart's .yml: fix the model SQL or its input`,
  });
}

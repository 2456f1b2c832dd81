/**
 * Fixed-rows model tests: for one model and one test, an in-memory database gets the given rows
 * (every other source empty but typed), the model and its upstream models run, and the output is
 * compared with the expected rows — only the columns the expected rows name, in any order.
 */
import { openDatabase, quoteIdentifier } from '../../lib/lake/duckdb.js';
import { buildModels } from './build.js';
import { upstreamOf } from './graph.js';
import { createMacros, loadMacros, type MacroFile } from './macros.js';
import type { FixedRowsTest, Model } from './model.js';
import { overrideParams, type ParamValue } from './params.js';
import { createEmptySourceTable } from './source-tables.js';
import { SOURCES } from './sources.js';
import { sourceTableName } from './template.js';
import { insertRows } from './typed-rows.js';

export interface FixedRowsResult {
  readonly model: string;
  readonly test: string;
  readonly passed: boolean;
  readonly expected: unknown[];
  readonly actual: unknown[];
  readonly message?: string;
}

export async function runFixedRowsTest(
  model: Model,
  test: FixedRowsTest,
  models: readonly Model[],
  baseParams: ReadonlyMap<string, ParamValue>,
  macros?: readonly MacroFile[],
): Promise<FixedRowsResult> {
  const db = await openDatabase(':memory:', { threads: 1 });
  try {
    await db.run("SET TimeZone = 'UTC'");
    await createMacros(db, macros ?? (await loadMacros()));
    for (const source of SOURCES) {
      await createEmptySourceTable(db, source);
      await insertRows(db, sourceTableName(source.name), test.given[source.name] ?? []);
    }
    const unknownInputs = Object.keys(test.given).filter(
      (name) => !SOURCES.some((source) => source.name === name) && !models.some((candidate) => candidate.name === name),
    );
    if (unknownInputs.length > 0) {
      return failure(model, test, `given names no source or model: ${unknownInputs.join(', ')}`);
    }
    const params = overrideParams(baseParams, test.params);
    const chain = upstreamOf(model, models);
    const given = Object.fromEntries(Object.entries(test.given).filter(([name]) => name !== model.name));
    await buildModels(db, chain, params, { given });
    const columns = [...new Set(test.expect.flatMap((row) => Object.keys(row)))];
    const select = columns.length > 0 ? columns.map((column) => quoteIdentifier(column)).join(', ') : 'count(*) AS n';
    const rows = await db.all(`SELECT ${select} FROM ${quoteIdentifier(model.name)}`);
    const actual = columns.length > 0 ? sortRows(rows.map(normaliseRow)) : rows.length && Number(rows[0]?.n) === 0 ? [] : rows;
    const expected = sortRows(
      test.expect.map((row) => normaliseRow(Object.fromEntries(columns.map((column) => [column, row[column] ?? null])))),
    );
    const passed = rowsMatch(actual, expected);
    return { model: model.name, test: test.name, passed, expected, actual };
  } catch (error) {
    return failure(model, test, (error as Error).message);
  } finally {
    db.close();
  }
}

function failure(model: Model, test: FixedRowsTest, message: string): FixedRowsResult {
  return { model: model.name, test: test.name, passed: false, expected: test.expect, actual: [], message };
}

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Makes expected (YAML) and actual (DuckDB) values comparable: instants as ISO, numbers rounded. */
export function normaliseValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && TIMESTAMP_TEXT.test(value)) {
    const withZone = /Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value.replace(' ', 'T')}Z`;
    const time = Date.parse(withZone);
    return Number.isNaN(time) ? value : new Date(time).toISOString();
  }
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normaliseValue(v)]),
    );
  }
  return value;
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(row)
      .sort()
      .map((key) => [key, normaliseValue(row[key])]),
  );
}

/** Sorts rows by their text with numbers at 6 significant digits, so near-equal rows pair up. */
function sortRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const key = (row: Record<string, unknown>) =>
    JSON.stringify(row, (_name, value) => (typeof value === 'number' ? Number(value.toPrecision(6)) : value));
  return rows
    .map((row) => [key(row), row] as const)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, row]) => row);
}

/** Equal rows, numbers within a relative 1e-6 (money and hours computed in floating point). */
export function rowsMatch(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-9 + 1e-6 * Math.max(Math.abs(actual), Math.abs(expected));
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length === expected.length && actual.every((item, index) => rowsMatch(item, expected[index]));
  }
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object') {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    return [...keys].every((key) =>
      rowsMatch((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]),
    );
  }
  return actual === expected;
}

export async function runAllFixedRowsTests(
  models: readonly Model[],
  params: ReadonlyMap<string, ParamValue>,
): Promise<FixedRowsResult[]> {
  const results: FixedRowsResult[] = [];
  const macros = await loadMacros();
  for (const model of models) {
    for (const test of model.metadata.tests) results.push(await runFixedRowsTest(model, test, models, params, macros));
  }
  return results;
}

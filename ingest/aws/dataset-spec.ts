/**
 * One declaration per dataset — its columns (name, DuckDB type, meaning), Hive partition keys and
 * write mode — from which the typed table (CREATE TABLE), the JSON reader's column map, the
 * Parquet files and the docs are all derived, so no schema is written by hand twice.
 */
import { assertIdentifier, quoteIdentifier, quoteLiteral } from '../../lib/lake/duckdb.js';

export type ColumnType = 'VARCHAR' | 'VARCHAR[]' | 'TIMESTAMP' | 'DATE' | 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'JSON';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

export type WriteMode =
  /** Each write replaces whole partitions (a dated snapshot of an account). */
  | { readonly kind: 'snapshot' }
  /** Each write replaces existing rows that share `key` with an incoming row, and keeps the rest. */
  | { readonly kind: 'merge'; readonly key: readonly string[] }
  /** The dataset's own writer (not dataset-writer.ts) keeps it; `summary` says how, for the docs. */
  | { readonly kind: 'own-writer'; readonly summary: string };

export interface DatasetSpec {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ColumnSpec[];
  /** Hive partition keys in path order; each is a declared VARCHAR or DATE column. */
  readonly partitionBy: readonly string[];
  readonly mode: WriteMode;
}

export function defineDataset(spec: DatasetSpec): DatasetSpec {
  assertIdentifier(spec.name, 'dataset name');
  const names = new Set(spec.columns.map((column) => assertIdentifier(column.name, 'column name')));
  for (const key of [...spec.partitionBy, ...(spec.mode.kind === 'merge' ? spec.mode.key : [])]) {
    if (!names.has(key)) throw new Error(`dataset ${spec.name}: ${key} is not a declared column`);
  }
  return spec;
}

/**
 * The columns in the order a reader of the dataset's folder sees them: the columns stored in the
 * Parquet files in declaration order, then the Hive partition keys in path order (DuckDB's
 * `read_parquet(..., hive_partitioning = true)` and a Glue table's columns + partition keys alike).
 */
export function storedColumns(spec: DatasetSpec): ColumnSpec[] {
  const byName = new Map(spec.columns.map((column) => [column.name, column]));
  const partitions = spec.partitionBy.map((key) => byName.get(key) as ColumnSpec);
  return [...spec.columns.filter((column) => !spec.partitionBy.includes(column.name)), ...partitions];
}

/** `{name: type}` in declaration order, for writers and readers that take a column map. */
export function columnTypes(spec: DatasetSpec): Readonly<Record<string, ColumnType>> {
  return Object.fromEntries(spec.columns.map((column) => [column.name, column.type]));
}

/** Column definitions for CREATE TABLE. */
export function columnDefinitionsSql(spec: DatasetSpec): string {
  return spec.columns.map((column) => `${quoteIdentifier(column.name)} ${column.type}`).join(', ');
}

export function createTableSql(spec: DatasetSpec, table: string): string {
  return `CREATE TABLE ${quoteIdentifier(table)} (${columnDefinitionsSql(spec)})`;
}

/** The `columns={...}` argument of read_json for this dataset's newline-delimited rows. */
export function jsonColumnsSql(spec: DatasetSpec): string {
  return `{${spec.columns.map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(column.type)}`).join(', ')}}`;
}

/** Markdown documentation of the datasets, generated from their declarations. */
export function renderDatasetDocs(specs: readonly DatasetSpec[]): string {
  const sections = specs.map((spec) => {
    const layout = spec.partitionBy.map((key) => `${key}=…/`).join('');
    const mode =
      spec.mode.kind === 'snapshot'
        ? 'each run replaces the partitions it collected'
        : spec.mode.kind === 'merge'
          ? `rows are merged on (${spec.mode.key.join(', ')}); the newest fetch wins`
          : spec.mode.summary;
    const rows = spec.columns.map((column) => `| \`${column.name}\` | ${column.type} | ${column.description} |`);
    return [
      `## \`${spec.name}\``,
      '',
      spec.description,
      '',
      `Layout: \`lake/${spec.name}/${layout}part-*.parquet\` (zstd); ${mode}.`,
      '',
      '| column | type | meaning |',
      '| --- | --- | --- |',
      ...rows,
      '',
    ].join('\n');
  });
  return [
    '# API datasets',
    '',
    'Generated from the dataset declarations in `ingest/*/datasets.ts` by',
    '`npm run docs:datasets`; do not edit by hand.',
    '',
    ...sections,
  ].join('\n');
}

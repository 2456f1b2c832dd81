/**
 * `who-queried`: every access in a window to a table (optionally narrowed to a column), or every
 * table a person touched; or, with `summary`, the same accesses one row per way in (principal,
 * account, engine, outcome, grant path) with counts, bytes, first and last — the security question
 * answered in a few rows whatever the volume. Reads `data_access`.
 */
import { UsageError } from '../lib/errors.js';
import { allByColumns, assertIdentifier, type Database } from '../lib/lake/duckdb.js';
import type { ColumnSpec } from '../lib/output/format.js';
import { closestMatches } from '../lib/text/suggest.js';
import type { TimeWindow } from '../lib/time/window.js';
import { bytesColumn, queryColumn, textColumn, timestampColumn } from './columns.js';
import { assertKnown, knownColumns, knownPrincipals, knownTables } from './lookup.js';
import { isoInstant, type ReportSection } from './section.js';
import { reportSql, runReportQuery } from './sql.js';

export const WHO_QUERIED_MARTS = ['data_access', 'pii_access_history'] as const;

export interface WhoQueriedInput {
  /** `db.table` or `db.table.column`. */
  readonly target?: string;
  readonly principal?: string;
  readonly window: TimeWindow;
  /** One row per principal, account, engine, outcome and grant path instead of every access. */
  readonly summary?: boolean;
}

export interface TableTarget {
  readonly table: string;
  readonly column?: string;
}

export const WHO_QUERIED_COLUMNS: readonly ColumnSpec[] = [
  timestampColumn('event_time'),
  textColumn('table'),
  textColumn('principal'),
  textColumn('principal_arn'),
  textColumn('account_id'),
  textColumn('domain'),
  textColumn('service'),
  textColumn('query_id'),
  queryColumn('query'),
  bytesColumn('bytes_scanned', 'scanned'),
  textColumn('outcome'),
  textColumn('grant_path'),
];

/** The summary's grouping columns: the listing's own (who, from where, how), printed the same way. */
const WAY_IN_COLUMNS = ['table', 'principal', 'principal_arn', 'account_id', 'domain', 'service', 'outcome', 'grant_path'];

export const WHO_QUERIED_SUMMARY_COLUMNS: readonly ColumnSpec[] = [
  ...WAY_IN_COLUMNS.map((name) => WHO_QUERIED_COLUMNS.find((column) => column.name === name) as ColumnSpec),
  { name: 'accesses', align: 'right' },
  { name: 'queries', align: 'right' },
  bytesColumn('bytes_scanned', 'scanned'),
  timestampColumn('first_access_at', 'first'),
  timestampColumn('last_access_at', 'last'),
];

/** Splits `db.table[.column]`; each part must be a plain identifier. */
export function parseTableTarget(text: string): TableTarget {
  const parts = text.trim().split('.');
  const valid = parts.length >= 2 && parts.length <= 3 && parts.every((part) => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(part));
  if (!valid) {
    throw new UsageError(`cannot read "${text}" as a table`, {
      hint: 'name it as <database>.<table> or <database>.<table>.<column>, e.g. sales_db.customers.email',
    });
  }
  const [database, table, column] = parts as [string, string, string | undefined];
  if (column !== undefined) assertColumnName(column);
  return { table: `${database}.${table}`, ...(column === undefined ? {} : { column }) };
}

function assertColumnName(column: string): void {
  try {
    assertIdentifier(column, 'column name');
  } catch (cause) {
    throw new UsageError(`"${column}" is not a column name`, {
      cause,
      hint: 'a column name holds only letters, digits and underscores',
    });
  }
}

/** Checks the shape of the question before any data is read: a table (well formed) or a principal. */
export function assertWhoQueriedInput(input: Omit<WhoQueriedInput, 'window'>): TableTarget | undefined {
  if (!input.target && !input.principal) {
    throw new UsageError('name a table or a principal', {
      hint: 'meshwatch who-queried sales_db.customers, or meshwatch who-queried --principal alice.wong',
    });
  }
  return input.target ? parseTableTarget(input.target) : undefined;
}

export async function whoQueried(db: Database, input: WhoQueriedInput): Promise<ReportSection> {
  const target = assertWhoQueriedInput(input);
  const table = target ? assertKnown(target.table, await knownTables(db), 'table', { caseInsensitive: true }) : undefined;
  if (table && target?.column) await assertKnownColumn(db, table, target.column);
  const principal = input.principal ? assertKnown(input.principal, await knownPrincipals(db), 'principal') : undefined;
  const params = {
    since: input.window.since.toISOString(),
    until: input.window.until.toISOString(),
    table: table ?? null,
    column: target?.column ?? null,
    principal: principal ?? null,
  };
  const columns = input.summary ? WHO_QUERIED_SUMMARY_COLUMNS : WHO_QUERIED_COLUMNS;
  return {
    key: input.summary ? 'ways_in' : 'accesses',
    title: input.summary ? 'ways in' : 'accesses',
    rows: input.summary
      ? await allByColumns(db, `WITH accesses AS (${reportSql('who-queried')})\n${reportSql('who-queried-summary')}`, params)
      : await runReportQuery(db, 'who-queried', params),
    columns,
    // The ARN and service make the table too wide to read; JSON and CSV keep them.
    tableColumns: columns.map((column) => column.name).filter((name) => name !== 'principal_arn' && name !== 'service'),
    empty: emptyMessage(input.window, table, target?.column, principal),
  };
}

/**
 * An unknown column would otherwise answer "no accesses": a misspelt column must not read as an
 * all-clear. Checked against the Glue schema when the lake has one for the table.
 */
async function assertKnownColumn(db: Database, table: string, column: string): Promise<void> {
  const columns = await knownColumns(db, table);
  if (columns.length === 0 || columns.some((name) => name.toLowerCase() === column.toLowerCase())) return;
  const suggestions = closestMatches(column, columns);
  throw new UsageError(`unknown column "${column}" in ${table}`, {
    context: { table, column },
    hint: `${suggestions.length > 0 ? `did you mean ${suggestions.map((name) => `"${name}"`).join(' or ')}? ` : ''}${table} has columns ${columns.join(', ')}`,
  });
}

function emptyMessage(window: TimeWindow, table?: string, column?: string, principal?: string): string {
  const what = table ? `to ${column ? `${table}.${column}` : table}` : '';
  const who = principal ? `by ${principal}` : '';
  return `no accesses ${[what, who].filter(Boolean).join(' ')} between ${isoInstant(window.since)} and ${isoInstant(window.until)}`;
}

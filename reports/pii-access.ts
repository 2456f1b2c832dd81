/**
 * `pii-access`: every PII access in a window (from `pii_access_history`), as a list and grouped
 * by table and by person.
 */
import { UsageError } from '../lib/errors.js';
import type { Database } from '../lib/lake/duckdb.js';
import type { ColumnSpec } from '../lib/output/format.js';
import type { TimeWindow } from '../lib/time/window.js';
import { bytesColumn, listColumn, queryColumn, textColumn, timestampColumn } from './columns.js';
import { isoInstant, type ReportSection } from './section.js';
import { runReportQuery } from './sql.js';

export const PII_ACCESS_MARTS = ['pii_access_history'] as const;
export const PII_GROUPINGS = ['table', 'person'] as const;
export type PiiGrouping = (typeof PII_GROUPINGS)[number];

export interface PiiAccessInput {
  readonly window: TimeWindow;
  /** Also list denied attempts on PII tables (default: allowed reads only). */
  readonly includeDenied?: boolean;
}

export const PII_ACCESS_COLUMNS: readonly ColumnSpec[] = [
  timestampColumn('event_time'),
  textColumn('table'),
  textColumn('producer_domain'),
  textColumn('principal'),
  textColumn('principal_kind', 'kind'),
  textColumn('principal_arn'),
  textColumn('account_id'),
  textColumn('domain'),
  textColumn('service'),
  textColumn('query_id'),
  queryColumn('query', 40),
  bytesColumn('bytes_scanned', 'scanned'),
  textColumn('outcome'),
  textColumn('pii_level'),
  listColumn('pii_columns'),
  textColumn('grant_path'),
  { name: 'is_new_reader', title: 'new reader', display: (value) => (value === true ? 'yes' : '') },
];

export const PII_BY_TABLE_COLUMNS: readonly ColumnSpec[] = [
  textColumn('table'),
  textColumn('producer_domain'),
  { name: 'accesses', align: 'right' },
  { name: 'readers', align: 'right' },
  { name: 'new_readers', title: 'new readers', align: 'right' },
  { name: 'denied', align: 'right' },
  bytesColumn('bytes_scanned', 'scanned'),
  timestampColumn('first_access_at', 'first'),
  timestampColumn('last_access_at', 'last'),
  textColumn('principals'),
];

export const PII_BY_PERSON_COLUMNS: readonly ColumnSpec[] = [
  textColumn('principal'),
  textColumn('principal_kind', 'kind'),
  textColumn('domains'),
  { name: 'accesses', align: 'right' },
  { name: 'table_count', title: 'tables', align: 'right' },
  { name: 'denied', align: 'right' },
  bytesColumn('bytes_scanned', 'scanned'),
  timestampColumn('first_access_at', 'first'),
  timestampColumn('last_access_at', 'last'),
  textColumn('tables', 'table names'),
];

export function parsePiiGrouping(text: string | undefined): PiiGrouping | undefined {
  if (text === undefined) return undefined;
  if (!(PII_GROUPINGS as readonly string[]).includes(text)) {
    throw new UsageError(`cannot group PII accesses by "${text}"`, { hint: 'use --by table or --by person' });
  }
  return text as PiiGrouping;
}

export interface PiiAccessReport {
  readonly byTable: ReportSection;
  readonly byPerson: ReportSection;
  readonly accesses: ReportSection;
}

export async function piiAccess(db: Database, input: PiiAccessInput): Promise<PiiAccessReport> {
  const params = {
    since: input.window.since.toISOString(),
    until: input.window.until.toISOString(),
    include_denied: input.includeDenied ?? false,
  };
  const empty = `no PII accesses between ${isoInstant(input.window.since)} and ${isoInstant(input.window.until)}`;
  // One connection runs one statement at a time: query in sequence.
  const byTable = await runReportQuery(db, 'pii-access-by-table', params);
  const byPerson = await runReportQuery(db, 'pii-access-by-person', params);
  const accesses = await runReportQuery(db, 'pii-access', params);
  return {
    byTable: { key: 'by_table', title: 'PII accesses by table', rows: byTable, columns: PII_BY_TABLE_COLUMNS, empty },
    byPerson: { key: 'by_person', title: 'PII accesses by person', rows: byPerson, columns: PII_BY_PERSON_COLUMNS, empty },
    accesses: {
      key: 'accesses',
      title: 'PII accesses',
      rows: accesses,
      columns: PII_ACCESS_COLUMNS,
      tableColumns: PII_ACCESS_COLUMNS.map((column) => column.name).filter(
        (name) => !['principal_arn', 'service', 'pii_level'].includes(name),
      ),
      empty,
    },
  };
}

/**
 * The sections a format shows: `--by` picks one grouping; without it a table shows both groupings,
 * JSON all three (`{by_table, by_person, accesses}`), CSV the accesses themselves.
 */
export function piiSections(report: PiiAccessReport, format: string, by?: PiiGrouping): ReportSection[] {
  if (by === 'table') return [report.byTable];
  if (by === 'person') return [report.byPerson];
  if (format === 'json') return [report.byTable, report.byPerson, report.accesses];
  if (format === 'csv') return [report.accesses];
  return [report.byTable, report.byPerson];
}

/**
 * `health`: per data product, freshness status against its SLA, last update, lag, breaches that
 * overlap the window, completeness, consumers and owner (`product_freshness`, `product_breaches`).
 */
import type { Database } from '../lib/lake/duckdb.js';
import { type ColumnSpec, formatTimestamp } from '../lib/output/format.js';
import type { TimeWindow } from '../lib/time/window.js';
import { hoursColumn, ratioColumn, textColumn, timestampColumn } from './columns.js';
import { assertKnown, knownDomains } from './lookup.js';
import { isoInstant, type ReportSection } from './section.js';
import { runReportQuery } from './sql.js';

export const HEALTH_MARTS = ['product_freshness', 'product_breaches'] as const;

export interface HealthInput {
  readonly window: TimeWindow;
  readonly domain?: string;
}

export const HEALTH_COLUMNS: readonly ColumnSpec[] = [
  textColumn('product'),
  textColumn('table'),
  textColumn('domain'),
  textColumn('status'),
  timestampColumn('last_update_at', 'last update'),
  hoursColumn('lag_hours', 'lag'),
  hoursColumn('warn_lag_hours', 'warn after'),
  hoursColumn('max_lag_hours', 'SLA'),
  textColumn('cadence'),
  textColumn('sla_text'),
  { name: 'breaches', align: 'right' },
  { name: 'breach_ongoing', title: 'ongoing', display: (value) => (value === true ? 'yes' : '') },
  ratioColumn('completeness'),
  { name: 'present_partitions', title: 'present', align: 'right' },
  { name: 'expected_partitions', title: 'expected', align: 'right' },
  { name: 'consumers_30d', title: 'consumers 30d', align: 'right' },
  { name: 'queries_30d', title: 'queries 30d', align: 'right' },
  textColumn('owner'),
  textColumn('owner_contact', 'contact'),
  timestampColumn('as_of', 'as of'),
];

export const BREACH_COLUMNS: readonly ColumnSpec[] = [
  textColumn('product'),
  textColumn('table'),
  textColumn('domain'),
  textColumn('account_id'),
  timestampColumn('breach_start_at', 'from'),
  {
    name: 'breach_end_at',
    title: 'to',
    display: (value) => (value === null || value === undefined ? 'ongoing' : formatTimestamp(value)),
  },
  hoursColumn('duration_hours', 'duration'),
];

async function resolveDomain(db: Database, domain?: string): Promise<string | null> {
  if (domain === undefined) return null;
  return assertKnown(domain, await knownDomains(db, 'product_freshness'), 'domain');
}

function windowParams(input: HealthInput, domain: string | null) {
  return { since: input.window.since.toISOString(), until: input.window.until.toISOString(), domain };
}

export async function health(db: Database, input: HealthInput): Promise<ReportSection> {
  const domain = await resolveDomain(db, input.domain);
  const rows = await runReportQuery(db, 'health', windowParams(input, domain));
  return {
    key: 'products',
    title: 'data products',
    rows,
    columns: HEALTH_COLUMNS,
    tableColumns: HEALTH_COLUMNS.map((column) => column.name).filter(
      (name) => !['present_partitions', 'expected_partitions', 'owner_contact', 'as_of', 'warn_lag_hours'].includes(name),
    ),
    empty: `no data products${domain ? ` in domain ${domain}` : ''}: add contracts under sources.contracts`,
  };
}

export async function healthBreaches(db: Database, input: HealthInput): Promise<ReportSection> {
  const domain = await resolveDomain(db, input.domain);
  const rows = await runReportQuery(db, 'health-breaches', windowParams(input, domain));
  return {
    key: 'breaches',
    title: 'SLA breaches',
    rows,
    columns: BREACH_COLUMNS,
    empty: `no SLA breaches between ${isoInstant(input.window.since)} and ${isoInstant(input.window.until)}`,
  };
}

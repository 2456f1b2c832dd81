/**
 * `chargeback`: what each domain costs in a month (`domain_chargeback`), who consumes whose data
 * (`chargeback_matrix`) and the FOCUS rows finance tools import (`chargeback_focus`).
 */
import { UsageError } from '../lib/errors.js';
import type { Database } from '../lib/lake/duckdb.js';
import { type ColumnSpec, formatUsd, type OutputRow } from '../lib/output/format.js';
import { bytesColumn, percentChangeColumn, textColumn, usdChangeColumn, usdColumn } from './columns.js';
import type { ReportSection } from './section.js';
import { runReportQuery } from './sql.js';

export const CHARGEBACK_MARTS = ['domain_chargeback', 'chargeback_matrix', 'chargeback_focus'] as const;

export const CHARGEBACK_COLUMNS: readonly ColumnSpec[] = [
  textColumn('month'),
  textColumn('domain'),
  usdColumn('producer_cost_usd', 'producer'),
  usdColumn('consumer_cost_usd', 'consumer'),
  usdColumn('shared_allocation_usd', 'shared'),
  usdColumn('total_usd', 'total'),
  usdColumn('previous_total_usd', 'previous'),
  usdChangeColumn('mom_change_usd', 'MoM'),
  percentChangeColumn('mom_change_pct', 'MoM %'),
  usdColumn('athena_served_usd', 'athena served'),
];

export const MATRIX_COLUMNS: readonly ColumnSpec[] = [
  textColumn('month'),
  textColumn('consumer_domain', 'consumer'),
  textColumn('producer_domain', 'producer'),
  { name: 'queries', align: 'right' },
  bytesColumn('bytes_scanned', 'scanned'),
  usdColumn('cost_usd', 'cost'),
];

/** The FOCUS columns in the order the contract lists them (any further mart columns follow). */
export const FOCUS_COLUMN_ORDER = [
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'BillingAccountId',
  'SubAccountId',
  'ChargeCategory',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ServiceName',
  'ServiceCategory',
  'RegionId',
  'Provider',
  'Publisher',
  'InvoiceIssuer',
  'Tags',
  'AllocatedMethodId',
  'AllocatedResourceId',
  'x_Domain',
  'x_Month',
] as const;

/** `YYYY-MM`, or a UsageError saying the accepted form. */
export function parseMonth(text: string): string {
  const month = text.trim();
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new UsageError(`cannot read "${text}" as a month`, { hint: 'use --month YYYY-MM, e.g. --month 2026-10' });
  }
  return month;
}

/** The month a chargeback defaults to: the one holding the last instant before now (month to date). */
export function defaultMonth(now: Date): string {
  return new Date(now.getTime() - 1).toISOString().slice(0, 7);
}

export async function chargebackMonths(db: Database): Promise<string[]> {
  return (await runReportQuery<{ month: string }>(db, 'chargeback-months')).map((row) => row.month);
}

async function emptyMessage(db: Database, what: string, month?: string): Promise<string> {
  const months = await chargebackMonths(db);
  const known = months.length > 0 ? `months with data: ${months.join(', ')}` : 'the lake holds no cost data yet';
  return `no ${what}${month ? ` for ${month}` : ''}; ${known}`;
}

/** Per domain: producer, consumer and shared cost, total and month-over-month change. */
export async function chargebackByDomain(db: Database, month?: string): Promise<ReportSection> {
  const rows = await runReportQuery(db, 'chargeback', { month: month ?? null });
  return {
    key: 'chargeback',
    title: 'chargeback by domain',
    rows,
    columns: CHARGEBACK_COLUMNS,
    empty: await emptyMessage(db, 'chargeback', month),
  };
}

/** Consumer × producer Athena cost, one row per pair (long form: stable for scripts). */
export async function chargebackMatrix(db: Database, month?: string): Promise<ReportSection> {
  const rows = await runReportQuery(db, 'chargeback-matrix', { month: month ?? null });
  return {
    key: 'matrix',
    title: 'consumer × producer',
    rows,
    columns: MATRIX_COLUMNS,
    empty: await emptyMessage(db, 'consumer × producer costs', month),
  };
}

/** The same matrix pivoted for people: a row per consumer domain, a USD column per producer domain. */
export function pivotMatrix(section: ReportSection): ReportSection {
  const producers = [...new Set(section.rows.map((row) => String(row.producer_domain)))].sort();
  const byConsumer = new Map<string, OutputRow & { total: number }>();
  for (const row of section.rows) {
    const key = `${row.month}|${row.consumer_domain}`;
    const line = byConsumer.get(key) ?? { month: row.month, consumer_domain: row.consumer_domain, total: 0 };
    const cost = Number(row.cost_usd ?? 0);
    line[`producer:${row.producer_domain}`] = cost;
    line.total += cost;
    byConsumer.set(key, line);
  }
  const columns: ColumnSpec[] = [
    textColumn('month'),
    textColumn('consumer_domain', 'consumer \\ producer'),
    ...producers.map((producer) => usdColumn(`producer:${producer}`, producer)),
    { name: 'total', display: formatUsd, align: 'right' },
  ];
  return { ...section, rows: [...byConsumer.values()], columns };
}

/** FOCUS rows of the month, every column of the mart in the contract's order. */
export async function chargebackFocus(db: Database, month?: string): Promise<ReportSection> {
  const described = await db.all<{ column_name: string }>('DESCRIBE chargeback_focus');
  const present = described.map((row) => row.column_name);
  const ordered = [
    ...FOCUS_COLUMN_ORDER.filter((name) => present.includes(name)),
    ...present.filter((name) => !(FOCUS_COLUMN_ORDER as readonly string[]).includes(name)),
  ];
  const rows = (await runReportQuery(db, 'chargeback-focus', { month: month ?? null })).map(focusDates);
  return {
    key: 'focus',
    title: 'FOCUS',
    rows,
    columns: ordered.map((name) => ({ name })),
    empty: await emptyMessage(db, 'FOCUS rows', month),
  };
}

/** FOCUS writes period bounds as ISO 8601 UTC without fractions (2026-10-01T00:00:00Z). */
function focusDates(row: OutputRow): OutputRow {
  const copy: OutputRow = { ...row };
  for (const name of ['ChargePeriodStart', 'ChargePeriodEnd', 'BillingPeriodStart', 'BillingPeriodEnd']) {
    const value = copy[name];
    if (typeof value === 'string') copy[name] = value.replace(/\.000Z$/, 'Z');
  }
  return copy;
}

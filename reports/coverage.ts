/**
 * `coverage`: which accounts and regions delivered CloudTrail for which days of the window, the
 * digest verification status, and the gaps (`cloudtrail_coverage`).
 */
import { UsageError } from '../lib/errors.js';
import type { Database, Row } from '../lib/lake/duckdb.js';
import type { ColumnSpec } from '../lib/output/format.js';
import type { TimeWindow } from '../lib/time/window.js';
import { textColumn } from './columns.js';
import { isoInstant, type ReportSection } from './section.js';
import { runReportQuery } from './sql.js';

export const COVERAGE_MARTS = ['cloudtrail_coverage'] as const;
export const COVERAGE_GROUPINGS = ['account', 'day'] as const;
export type CoverageGrouping = (typeof COVERAGE_GROUPINGS)[number];

const DAY_MS = 86_400_000;

export const COVERAGE_COLUMNS: readonly ColumnSpec[] = [
  textColumn('account_id'),
  textColumn('region'),
  textColumn('digest_status', 'digests'),
  { name: 'days', align: 'right' },
  { name: 'days_delivered', title: 'delivered', align: 'right' },
  { name: 'gap_days', title: 'gap days', align: 'right' },
  textColumn('gaps'),
  textColumn('first_day', 'first'),
  textColumn('last_day', 'last'),
  { name: 'objects', align: 'right' },
  { name: 'events', align: 'right' },
  { name: 'verified_days', title: 'verified', align: 'right' },
  { name: 'unverified_days', title: 'unverified', align: 'right' },
  { name: 'mismatch_days', title: 'mismatch', align: 'right' },
  { name: 'missing_days', title: 'missing', align: 'right' },
];

export const COVERAGE_DAY_COLUMNS: readonly ColumnSpec[] = [
  textColumn('day'),
  textColumn('account_id'),
  textColumn('region'),
  { name: 'objects', align: 'right' },
  { name: 'events', align: 'right' },
  textColumn('verification'),
  { name: 'is_gap', title: 'gap', display: (value) => (value === true ? 'GAP' : '') },
];

export function parseCoverageGrouping(text: string | undefined): CoverageGrouping {
  if (text === undefined) return 'account';
  if (!(COVERAGE_GROUPINGS as readonly string[]).includes(text)) {
    throw new UsageError(`cannot group coverage by "${text}"`, {
      hint: 'use --by account (a row per account × region) or --by day',
    });
  }
  return text as CoverageGrouping;
}

/** The window as whole UTC days: from the day holding `since` up to (excluding) the day after the one holding the last instant. */
export function windowDays(window: TimeWindow): { since_day: string; until_day: string } {
  const lastDay = new Date(window.until.getTime() - 1).toISOString().slice(0, 10);
  return {
    since_day: window.since.toISOString().slice(0, 10),
    until_day: new Date(Date.parse(`${lastDay}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10),
  };
}

/** Consecutive gap days folded into ranges: ["2026-10-12", "2026-10-13", "2026-10-20"] → "2026-10-12..2026-10-13, 2026-10-20". */
export function foldDayRanges(days: readonly string[]): string {
  const ranges: [string, string][] = [];
  for (const day of [...days].sort()) {
    const last = ranges.at(-1);
    if (last && Date.parse(`${day}T00:00:00Z`) - Date.parse(`${last[1]}T00:00:00Z`) === DAY_MS) last[1] = day;
    else ranges.push([day, day]);
  }
  return ranges.map(([from, to]) => (from === to ? from : `${from}..${to}`)).join(', ');
}

/** One word for an account × region's digests: the worst day status among delivered days. */
function digestStatus(row: Row): string {
  if (Number(row.mismatch_days) > 0) return 'mismatch';
  if (Number(row.days_delivered) === 0) return 'missing';
  if (Number(row.unverified_days) > 0) return 'unverified';
  if (Number(row.verified_days) > 0) return 'verified';
  return 'missing';
}

export async function coverage(db: Database, window: TimeWindow, by: CoverageGrouping = 'account'): Promise<ReportSection> {
  const empty = `no CloudTrail coverage rows between ${isoInstant(window.since)} and ${isoInstant(window.until)}: is sources.cloudtrail configured?`;
  if (by === 'day') {
    const rows = await runReportQuery(db, 'coverage-days', windowDays(window));
    return { key: 'days', title: 'CloudTrail coverage by day', rows, columns: COVERAGE_DAY_COLUMNS, empty };
  }
  const summary = await runReportQuery(db, 'coverage', windowDays(window));
  const rows = summary.map((row) => {
    const { gap_day_list: gapDays, ...rest } = row;
    return { ...rest, digest_status: digestStatus(row), gaps: foldDayRanges((gapDays as string[] | null) ?? []) };
  });
  return { key: 'coverage', title: 'CloudTrail coverage', rows, columns: COVERAGE_COLUMNS, empty };
}

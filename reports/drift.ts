/**
 * `drift`: grant drift items (`grant_drift`), critical first, with who changed what and when and
 * the declared-as-code grant (`declared_address`) each departs from.
 */
import { UsageError } from '../lib/errors.js';
import type { Database } from '../lib/lake/duckdb.js';
import type { ColumnSpec } from '../lib/output/format.js';
import type { TimeWindow } from '../lib/time/window.js';
import { listColumn, textColumn, timestampColumn } from './columns.js';
import { isoInstant, type ReportSection } from './section.js';
import { runReportQuery } from './sql.js';

export const DRIFT_MARTS = ['grant_drift'] as const;

/** Most severe first; the rank is what `--severity` compares. */
export const DRIFT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type DriftSeverity = (typeof DRIFT_SEVERITIES)[number];

export interface DriftInput {
  /** Keep items changed in this window; absent: every current item (some have no change event). */
  readonly window?: TimeWindow;
  /** Keep items at least this severe. */
  readonly minSeverity?: DriftSeverity;
}

export const DRIFT_COLUMNS: readonly ColumnSpec[] = [
  textColumn('severity'),
  textColumn('kind'),
  textColumn('account_id'),
  textColumn('domain'),
  textColumn('principal'),
  textColumn('resource'),
  listColumn('permissions'),
  textColumn('changed_by_name', 'changed by'),
  textColumn('changed_by', 'changed by ARN'),
  timestampColumn('changed_at', 'changed at'),
  textColumn('event_name', 'event'),
  textColumn('declared_address', 'declared as'),
  textColumn('detail'),
  textColumn('drift_id'),
  textColumn('event_id'),
];

export function parseSeverity(text: string | undefined): DriftSeverity | undefined {
  if (text === undefined) return undefined;
  const severity = text.toLowerCase();
  if (!(DRIFT_SEVERITIES as readonly string[]).includes(severity)) {
    throw new UsageError(`unknown severity "${text}"`, { hint: `use --severity ${DRIFT_SEVERITIES.join('|')}` });
  }
  return severity as DriftSeverity;
}

export async function drift(db: Database, input: DriftInput = {}): Promise<ReportSection> {
  const rows = await runReportQuery(db, 'drift', {
    since: input.window ? input.window.since.toISOString() : null,
    until: input.window ? input.window.until.toISOString() : null,
    max_rank: DRIFT_SEVERITIES.indexOf(input.minSeverity ?? 'low'),
  });
  const scope = input.window ? ` changed between ${isoInstant(input.window.since)} and ${isoInstant(input.window.until)}` : '';
  const severity = input.minSeverity && input.minSeverity !== 'low' ? ` of severity ${input.minSeverity} or worse` : '';
  return {
    key: 'drift',
    title: 'grant drift',
    rows,
    columns: DRIFT_COLUMNS,
    tableColumns: DRIFT_COLUMNS.map((column) => column.name).filter(
      (name) => !['changed_by', 'drift_id', 'event_id'].includes(name),
    ),
    empty: `no grant drift${severity}${scope}: the Lake Formation grants match the declared ones`,
  };
}

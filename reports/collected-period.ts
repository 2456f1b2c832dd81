/**
 * What the lake holds, checked before a report answers, so that an empty answer is never an
 * all-clear by accident: no lake, or a lake with nothing collected, is an error (exit 1); a window
 * that reaches before the first (or after the last) collected day of CloudTrail events gets a note
 * naming the period the events cover. Read from the folder layout alone (`event_date=` partitions),
 * without opening DuckDB or creating anything.
 */
import { basename, dirname, relative, sep } from 'node:path';
import { LakeError, ReportError } from '../lib/errors.js';
import { listFiles, pathExists } from '../lib/lake/atomic.js';
import type { LakeLayout } from '../lib/lake/layout.js';
import { listDatasets } from '../lib/lake/views.js';
import type { TimeWindow } from '../lib/time/window.js';
import { isoInstant } from './section.js';

/** First and last UTC day (YYYY-MM-DD) with collected CloudTrail events. */
export interface CollectedPeriod {
  readonly firstDay: string;
  readonly lastDay: string;
}

const DAY_MS = 86_400_000;
const EVENT_DAY = /^event_date=(\d{4}-\d{2}-\d{2})$/;

/** Throws a LakeError (exit 1) when there is no lake at the configured path: a reader never creates one. */
export async function assertLakeExists(layout: LakeLayout): Promise<void> {
  if (!(await pathExists(layout.root))) {
    throw new LakeError(`no lake at ${layout.root}`, {
      context: { lake: layout.root },
      hint: 'check --lake or the config "lake" key; `meshwatch collect` (or `meshwatch run`) creates and fills it',
    });
  }
}

/** Throws (exit 1) when there is no lake at the configured path or nothing has been collected into it. */
export async function assertCollectedData(layout: LakeLayout): Promise<void> {
  await assertLakeExists(layout);
  if ((await listDatasets(layout)).length === 0) {
    throw new ReportError(`no data collected in the lake at ${layout.root}`, {
      context: { lake: layout.root },
      hint: 'run `meshwatch collect` (or `meshwatch run`) first; a report over an empty lake would answer nothing',
    });
  }
}

/** The days the lake's CloudTrail events cover, from the `event_date=` folders that hold Parquet files. */
export async function collectedPeriod(layout: LakeLayout): Promise<CollectedPeriod | undefined> {
  const dir = layout.datasetDir('cloudtrail');
  const days = new Set<string>();
  for (const file of await listFiles(dir)) {
    if (!file.endsWith('.parquet') || basename(file).startsWith('.')) continue;
    const day = relative(dir, dirname(file))
      .split(sep)
      .map((segment) => EVENT_DAY.exec(segment)?.[1])
      .find((match) => match !== undefined);
    if (day) days.add(day);
  }
  const sorted = [...days].sort();
  return sorted.length === 0 ? undefined : { firstDay: sorted[0] as string, lastDay: sorted.at(-1) as string };
}

/** A note when the window is not within the collected period (or there are no events at all); else undefined. */
export function periodNote(period: CollectedPeriod | undefined, window: TimeWindow): string | undefined {
  const asked = `${isoInstant(window.since)} to ${isoInstant(window.until)}`;
  if (period === undefined) return `the lake holds no CloudTrail events, so nothing can be reported on accesses for ${asked}`;
  const start = Date.parse(`${period.firstDay}T00:00:00Z`);
  const end = Date.parse(`${period.lastDay}T00:00:00Z`) + DAY_MS;
  const covered = `collected CloudTrail events cover ${period.firstDay} to ${period.lastDay} (UTC days)`;
  if (window.until.getTime() <= start || window.since.getTime() >= end) {
    return `the window ${asked} lies outside the collected data: ${covered}`;
  }
  if (window.since.getTime() < start) return `the window ${asked} starts before the first collected day: ${covered}`;
  if (window.until.getTime() > end) return `the window ${asked} ends after the last collected day: ${covered}`;
  return undefined;
}

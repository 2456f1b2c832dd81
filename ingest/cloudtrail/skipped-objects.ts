/**
 * Listed objects a run does not read, counted by why with the first key as an example, so that
 * nothing under the trail is passed over silently:
 * - `day_folder_not_a_date`: under `CloudTrail/` in a day folder that is no calendar day
 *   (`2026/02/30`): its events cannot be placed in a day;
 * - `not_a_log_object`: under `CloudTrail/` but not named as CloudTrail names its log files;
 * - `insights`: CloudTrail Insights objects (`CloudTrail-Insight/`), which meshwatch does not collect.
 */

export type SkipReason = 'day_folder_not_a_date' | 'not_a_log_object' | 'insights';

export interface SkippedObjects {
  readonly count: number;
  /** The first key skipped for this reason. */
  readonly example: string;
}

/** `…/CloudTrail/<region>/<year>/<month>/<day>/<name>`: the three day-folder segments. */
const DAY_FOLDERS = /\/CloudTrail\/[^/]+\/([^/]+)\/([^/]+)\/([^/]+)\/[^/]+$/;

/** Why an object listed under `CloudTrail/` that parseObjectKey (object-key.ts) rejects is no log object to read. */
export function skipReasonOfLogKey(key: string): SkipReason {
  const folders = DAY_FOLDERS.exec(key);
  if (folders && !isCalendarDay(folders[1] as string, folders[2] as string, folders[3] as string)) return 'day_folder_not_a_date';
  return 'not_a_log_object';
}

export function countSkipped(skipped: Partial<Record<SkipReason, SkippedObjects>>, reason: SkipReason, key: string): void {
  const known = skipped[reason];
  skipped[reason] = { count: (known?.count ?? 0) + 1, example: known?.example ?? key };
}

/** `YYYY`, `MM`, `DD` name a real day (`2026/02/30` and `2026/2/3` do not). */
function isCalendarDay(year: string, month: string, day: string): boolean {
  if (!/^\d{4}$/.test(year) || !/^\d{2}$/.test(month) || !/^\d{2}$/.test(day)) return false;
  const text = `${year}-${month}-${day}`;
  const parsed = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === text;
}

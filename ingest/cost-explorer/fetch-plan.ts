/**
 * Which days Cost Explorer is asked for. Each request costs $0.01, so days already fetched as
 * final are not asked again: a run asks from the day after the last final day it holds (or the
 * start of the history) — but always the last `refresh_days`, which AWS may still revise.
 */

export interface FinalDaysState {
  /** Per grouping id: the last day of an unbroken run of final (not estimated) days fetched. */
  readonly groupings: Record<string, { readonly final_through: string } | undefined>;
}

export interface FetchPeriod {
  /** Inclusive. */
  readonly start: string;
  /** Exclusive (Cost Explorer's TimePeriod.End). */
  readonly end: string;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function fetchPeriod(now: Date, historyDays: number, refreshDays: number, finalThrough: string | undefined): FetchPeriod {
  const end = now.toISOString().slice(0, 10);
  const historyStart = addDays(end, -historyDays);
  const refreshStart = addDays(end, -refreshDays);
  const afterFinal = finalThrough ? addDays(finalThrough, 1) : historyStart;
  // ISO days compare as strings: the later of (after final, history start), then no later than the refresh window.
  const notBeforeHistory = [afterFinal, historyStart].sort()[1] as string;
  const start = [notBeforeHistory, refreshStart].sort()[0] as string;
  return { start, end };
}

/**
 * The new last final day: walking forward from the period start, days that came back not
 * estimated and older than the refresh window extend the unbroken run.
 */
export function nextFinalThrough(
  previous: string | undefined,
  period: FetchPeriod,
  estimatedByDay: ReadonlyMap<string, boolean>,
  refreshDays: number,
): string | undefined {
  const refreshStart = addDays(period.end, -refreshDays);
  let finalThrough = previous;
  let day = previous && previous >= addDays(period.start, -1) ? addDays(previous, 1) : period.start;
  while (day < refreshStart && estimatedByDay.get(day) === false) {
    finalThrough = day;
    day = addDays(day, 1);
  }
  return finalThrough;
}

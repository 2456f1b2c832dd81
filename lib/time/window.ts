/**
 * Time windows from the command line, in the forms people type:
 *   2026-10-01, 2026-10-01T06:00:00Z    an instant (a date is its midnight UTC)
 *   90d, 12h, 2w                         that long before now
 *   2026-10, 2026-Q3                     a calendar month or quarter
 *   today, yesterday, this-month, last-month, this-quarter, last-quarter
 * --since takes a period's start, --until its end (exclusive). A calendar period given to --since
 * alone means that whole period: `--since last-quarter` is last quarter, not last quarter until now.
 */
import { UsageError } from '../errors.js';

export interface TimeWindow {
  readonly since: Date;
  /** Exclusive. */
  readonly until: Date;
}

interface Period {
  readonly start: Date;
  readonly end: Date;
  /** A calendar period (month, quarter, day name) rather than an instant or a duration. */
  readonly calendar: boolean;
}

export const ACCEPTED_TIME_FORMS =
  'an ISO date or time (2026-10-01, 2026-10-01T06:00:00Z), a duration before now (90d, 12h, 2w), a month (2026-10), a quarter (2026-Q3), or today, yesterday, this-month, last-month, this-quarter, last-quarter';

const DAY_MS = 86_400_000;

export function parsePeriod(text: string, now: Date): Period {
  const input = text.trim().toLowerCase();
  const duration = /^(\d+)([hdw])$/.exec(input);
  if (duration) {
    const hours = Number(duration[1]) * ({ h: 1, d: 24, w: 168 } as const)[duration[2] as 'h' | 'd' | 'w'];
    return { start: new Date(now.getTime() - hours * 3_600_000), end: now, calendar: false };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(input);
  if (month) return monthPeriod(Number(month[1]), Number(month[2]) - 1, text);
  const quarter = /^(\d{4})-q([1-4])$/.exec(input);
  if (quarter) return quarterPeriod(Number(quarter[1]), Number(quarter[2]) - 1);
  const named = namedPeriod(input, now);
  if (named) return named;
  if (/^\d{4}-\d{2}-\d{2}([t ][\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/.test(input)) {
    const iso = input.length === 10 ? `${input}T00:00:00Z` : /z|[+-]\d{2}:?\d{2}$/.test(input) ? input : `${input}Z`;
    const instant = new Date(iso.toUpperCase().replace(' ', 'T'));
    if (!Number.isNaN(instant.getTime())) {
      // A bare date as --until means "up to the end of that day".
      return { start: instant, end: input.length === 10 ? new Date(instant.getTime() + DAY_MS) : instant, calendar: false };
    }
  }
  throw new UsageError(`cannot read "${text}" as a time`, { hint: `use ${ACCEPTED_TIME_FORMS}` });
}

function monthPeriod(year: number, monthIndex: number, text = `${year}-${monthIndex + 1}`): Period {
  if (monthIndex < 0 || monthIndex > 11) {
    throw new UsageError(`"${text}" is not a month`, { hint: `use ${ACCEPTED_TIME_FORMS}` });
  }
  return { start: new Date(Date.UTC(year, monthIndex, 1)), end: new Date(Date.UTC(year, monthIndex + 1, 1)), calendar: true };
}

function quarterPeriod(year: number, quarterIndex: number): Period {
  return {
    start: new Date(Date.UTC(year, quarterIndex * 3, 1)),
    end: new Date(Date.UTC(year, quarterIndex * 3 + 3, 1)),
    calendar: true,
  };
}

function namedPeriod(name: string, now: Date): Period | undefined {
  const year = now.getUTCFullYear();
  const monthIndex = now.getUTCMonth();
  const today = new Date(Date.UTC(year, monthIndex, now.getUTCDate()));
  const quarterIndex = Math.floor(monthIndex / 3);
  switch (name) {
    case 'today':
      return { start: today, end: new Date(today.getTime() + DAY_MS), calendar: true };
    case 'yesterday':
      return { start: new Date(today.getTime() - DAY_MS), end: today, calendar: true };
    case 'this-month':
      return monthPeriod(year, monthIndex);
    case 'last-month':
      return monthIndex === 0 ? monthPeriod(year - 1, 11) : monthPeriod(year, monthIndex - 1);
    case 'this-quarter':
      return quarterPeriod(year, quarterIndex);
    case 'last-quarter':
      return quarterIndex === 0 ? quarterPeriod(year - 1, 3) : quarterPeriod(year, quarterIndex - 1);
    default:
      return undefined;
  }
}

export interface WindowInput {
  readonly since?: string;
  readonly until?: string;
}

/** Resolves --since/--until into a window; `defaultSince` applies when --since is absent. */
export function parseWindow(input: WindowInput, now: Date, defaultSince = '30d'): TimeWindow {
  const since = parsePeriod(input.since ?? defaultSince, now);
  const until = input.until ? parsePeriod(input.until, now).end : since.calendar ? since.end : now;
  if (until.getTime() <= since.start.getTime()) {
    throw new UsageError(`--until (${until.toISOString()}) is not after --since (${since.start.toISOString()})`, {
      hint: 'give an --until later than --since, or leave it out to mean "now"',
    });
  }
  return { since: since.start, until };
}

/**
 * Which key days a run lists. Objects are chosen by the day in their key; a record's time can
 * precede its delivery (typically by minutes, occasionally by hours), so the window is widened by a
 * day at the end. Every record of a chosen object is kept: filtering records by time would lose
 * them for good, since the manifest would mark their object as done.
 */
import type { CollectOptions } from '../source.js';
import type { ListingPlan } from './trail-source.js';

const DAY_MS = 86_400_000;
/** More days than this are listed per region rather than per day. */
const MAX_DAY_PREFIXES = 400;

export function listingPlan(options: CollectOptions): ListingPlan {
  return {
    ...(options.accounts ? { accounts: options.accounts } : {}),
    ...(options.regions ? { regions: options.regions } : {}),
    ...(options.since ? daysBetween(options.since, options.until ?? new Date()) : {}),
  };
}

function daysBetween(since: Date, until: Date): { days?: string[] } {
  const first = Math.floor(since.getTime() / DAY_MS);
  const last = Math.floor((until.getTime() - 1) / DAY_MS) + 1;
  if (last < first || last - first > MAX_DAY_PREFIXES) return {};
  const days: string[] = [];
  for (let day = first; day <= last; day++) days.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
  return { days };
}

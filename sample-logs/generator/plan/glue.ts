/**
 * When each data product's pipeline lands partitions in the Glue catalog: before the window (the
 * API snapshot's history) and inside it (CloudTrail events). Planted incidents: supply-chain
 * shipments misses two runs and is backfilled (a recovered breach), marketing web_sessions misses
 * two 3-hourly registrations, backfilled at 16:07 (a short recovered breach), marketing campaigns stops two days
 * before `now` (breached at now), sales returns misses its last run (late at now).
 */
import { HOURLY_REGISTER_EVERY, PRODUCTS, type Product, productName } from '../org.js';
import { Rng } from '../prng.js';
import { DAY, day, HOUR, MINUTE } from '../time.js';

export type GlueEventName = 'CreatePartition' | 'BatchCreatePartition' | 'UpdateTable';

export interface CatalogWrite {
  readonly product: Product;
  readonly atMs: number;
  readonly eventName: GlueEventName;
  /** Partition values written (empty for UpdateTable). */
  readonly partitions: readonly string[];
  readonly errorCode: string | null;
  readonly inWindow: boolean;
  readonly eventId: string;
  readonly requestId: string;
}

/** The table's creation, before any partition: also its UpdateTime unless UpdateTable runs. */
export const TABLES_CREATED_AT = '2026-09-23T08:00:00Z';
/** Partition history in the API snapshot starts here. */
export const HISTORY_START = '2026-09-24T00:00:00Z';

interface Incident {
  readonly product: string;
  /** Runs (daily: `YYYY-MM-DD`; hourly: `YYYY-MM-DD-HH`) that do not happen. */
  readonly skipped: readonly string[];
  readonly failedAttempts?: boolean;
  readonly backfill?: { readonly at: string; readonly partitions: readonly string[] };
}

export const INCIDENTS: readonly Incident[] = [
  {
    product: 'supply-chain.shipments',
    skipped: ['2026-10-08', '2026-10-09', '2026-10-10'],
    failedAttempts: true,
    backfill: { at: '2026-10-10T09:20:31Z', partitions: ['2026-10-08', '2026-10-09', '2026-10-10'] },
  },
  {
    product: 'marketing.web_sessions',
    // The 11:07 and 14:07 registrations do not happen; a backfill at 16:07 registers 09..14.
    skipped: ['11', '14'].map((hour) => `2026-10-18-${hour}`),
    backfill: {
      at: '2026-10-18T16:07:44Z',
      partitions: ['09', '10', '11', '12', '13', '14'].map((hour) => `2026-10-18-${hour}`),
    },
  },
  { product: 'marketing.campaigns', skipped: ['2026-10-29', '2026-10-30'] },
  { product: 'sales.returns', skipped: ['2026-10-30'] },
];

const hourValue = (hour: number) => `${day(hour)}-${new Date(hour).toISOString().slice(11, 13)}`;

/** Pipeline runs: `value` names the run (its newest partition), `partitions` what it registers. */
function runsOf(product: Product, fromMs: number, toMs: number): { value: string; atMs: number; partitions: string[] }[] {
  const runs: { value: string; atMs: number; partitions: string[] }[] = [];
  if (product.cadence === 'hourly') {
    for (let hour = fromMs + (HOURLY_REGISTER_EVERY - 1) * HOUR; hour < toMs; hour += HOURLY_REGISTER_EVERY * HOUR) {
      const partitions: string[] = [];
      for (let back = HOURLY_REGISTER_EVERY - 1; back >= 0; back--) partitions.push(hourValue(hour - back * HOUR));
      runs.push({ value: hourValue(hour), atMs: hour + product.runAtMinute * MINUTE, partitions });
    }
    return runs;
  }
  for (let dayStart = fromMs; dayStart < toMs; dayStart += DAY)
    runs.push({ value: day(dayStart), atMs: dayStart + product.runAtMinute * MINUTE, partitions: [day(dayStart)] });
  return runs;
}

export interface GluePlanOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly endMs: number;
}

function writesFor(product: Product, options: GluePlanOptions, rng: Rng): CatalogWrite[] {
  const incident = INCIDENTS.find((candidate) => candidate.product === productName(product));
  const writes: CatalogWrite[] = [];
  const spread = product.cadence === 'hourly' ? 3 * MINUTE : 10 * MINUTE;
  const push = (atMs: number, eventName: GlueEventName, partitions: string[], errorCode: string | null = null) =>
    writes.push({
      product,
      atMs,
      eventName,
      partitions,
      errorCode,
      inWindow: atMs >= options.startMs && atMs < options.endMs,
      eventId: rng.uuid(),
      requestId: rng.uuid(),
    });
  for (const run of runsOf(product, Date.parse(HISTORY_START), options.endMs)) {
    const atMs = run.atMs + Math.round((rng.next() * 2 - 1) * spread);
    if (atMs >= options.endMs) continue;
    if (incident?.skipped.includes(run.value)) {
      if (incident.failedAttempts && atMs >= options.startMs)
        push(atMs, 'BatchCreatePartition', [run.value], 'InternalServiceException');
      continue;
    }
    const single =
      product.writeStyle === 'BatchCreatePartition' || run.partitions.length > 1 ? 'BatchCreatePartition' : 'CreatePartition';
    push(atMs, single, run.partitions);
    if (product.writeStyle === 'CreatePartition+UpdateTable') push(atMs + rng.int(2_000, 9_000), 'UpdateTable', []);
  }
  if (incident?.backfill) {
    const atMs = Date.parse(incident.backfill.at);
    if (atMs >= options.startMs && atMs < options.endMs) push(atMs, 'BatchCreatePartition', [...incident.backfill.partitions]);
  }
  return writes.sort((a, b) => a.atMs - b.atMs);
}

export function planCatalogWrites(options: GluePlanOptions): CatalogWrite[] {
  const rng = Rng.for(options.seed, 'glue');
  return PRODUCTS.flatMap((product) => writesFor(product, options, rng));
}

/**
 * Truth for product freshness (DEFINITIONS.md "Product freshness"): updates are successful Glue
 * writes (CloudTrail in the window, partition CreationTime / table UpdateTime from the snapshot),
 * statuses and breach intervals against each contract's lags, completeness over the window.
 */
import { PRODUCTS, type Product, productName, tableFqn } from '../org.js';
import { type CatalogWrite, TABLES_CREATED_AT } from '../plan/glue.js';
import { DAY, day, HOUR, iso } from '../time.js';
import type { AccessTruth } from './access-truth.js';

export interface BreachTruth {
  product: string;
  table: string;
  from: string;
  to: string | null;
  duration_hours: number | null;
}

export interface ProductTruth {
  product: string;
  table: string;
  domain: string;
  status_at_now: 'fresh' | 'late' | 'breached';
  last_update: string;
  lag_hours: number;
  expected_partitions: number;
  present_partitions: number;
  completeness: number;
  consumers_30d: number;
  queries_30d: number;
}

function updatesOf(product: Product, writes: readonly CatalogWrite[], nowMs: number): number[] {
  const times = writes
    .filter((write) => write.product === product && !write.errorCode && write.atMs <= nowMs)
    .map((write) => write.atMs);
  const hasUpdateTable = writes.some((write) => write.product === product && write.eventName === 'UpdateTable');
  if (!hasUpdateTable) times.push(Date.parse(TABLES_CREATED_AT));
  return [...new Set(times)].sort((a, b) => a - b);
}

export function breaches(writes: readonly CatalogWrite[], startMs: number, nowMs: number): BreachTruth[] {
  const out: BreachTruth[] = [];
  for (const product of PRODUCTS) {
    const updates = updatesOf(product, writes, nowMs);
    const max = product.maxLagHours * HOUR;
    updates.forEach((update, index) => {
      const next = updates[index + 1];
      const from = update + max;
      if (next !== undefined && next > from && next > startMs) {
        out.push({
          product: productName(product),
          table: tableFqn(product),
          from: iso(from),
          to: iso(next),
          duration_hours: round((next - from) / HOUR),
        });
      }
      if (next === undefined && nowMs > from)
        out.push({ product: productName(product), table: tableFqn(product), from: iso(from), to: null, duration_hours: null });
    });
  }
  return out;
}

function partitionValuesInWindow(product: Product, startMs: number, nowMs: number): string[] {
  const values: string[] = [];
  const step = product.cadence === 'hourly' ? HOUR : DAY;
  for (let at = startMs; at < nowMs; at += step)
    values.push(product.cadence === 'hourly' ? `${day(at)}-${new Date(at).toISOString().slice(11, 13)}` : day(at));
  return values;
}

export function products(
  writes: readonly CatalogWrite[],
  accesses: readonly AccessTruth[],
  startMs: number,
  nowMs: number,
): ProductTruth[] {
  return PRODUCTS.map((product) => {
    const updates = updatesOf(product, writes, nowMs);
    const last = updates[updates.length - 1]!;
    const lag = (nowMs - last) / HOUR;
    const status = lag <= product.warnLagHours ? 'fresh' : lag <= product.maxLagHours ? 'late' : 'breached';
    const expected = partitionValuesInWindow(product, startMs, nowMs);
    const present = new Set(
      writes
        .filter((write) => write.product === product && !write.errorCode && write.atMs <= nowMs)
        .flatMap((write) => write.partitions),
    );
    const presentCount = expected.filter((value) => present.has(value)).length;
    const recent = accesses.filter(
      (row) => row.table === tableFqn(product) && row.outcome === 'allowed' && Date.parse(row.event_time) >= nowMs - 30 * DAY,
    );
    return {
      product: productName(product),
      table: tableFqn(product),
      domain: product.domain,
      status_at_now: status,
      last_update: iso(last),
      lag_hours: round(lag),
      expected_partitions: expected.length,
      present_partitions: presentCount,
      completeness: round(presentCount / expected.length, 4),
      consumers_30d: new Set(recent.map((row) => row.principal)).size,
      queries_30d: new Set(recent.map((row) => row.query_id)).size,
    };
  });
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

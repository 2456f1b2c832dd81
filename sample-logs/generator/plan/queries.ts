/**
 * The Athena queries consumers run in the window, each with the Lake Formation data accesses it
 * causes. Habits say who reads what and when; a few attempts are planted to be denied, a spike is
 * planted in one workgroup, and two principals read a PII table for the first time late in the window.
 */
import type { Actor } from '../actors.js';
import { type Product, productByFqn, RESOURCE_LINK } from '../org.js';
import { Rng } from '../prng.js';
import { DAY, day, HOUR, MINUTE } from '../time.js';
import { isAllowed } from './access.js';
import { type Combo, DENIED_ATTEMPTS, type Habit, SCAN_SPIKE, scaledHabits, scheduledHabits } from './habits.js';

export interface PlannedAccess {
  readonly product: Product;
  readonly atMs: number;
  readonly allowed: boolean;
  /** The consumer account's delivery. */
  readonly eventId: string;
  /** The copy delivered to the producer account (same sharedEventID). */
  readonly copyEventId: string;
  readonly sharedEventId: string;
  readonly requestId: string;
  /** Resource-link queries log a first event for the link itself (consumer account only). */
  readonly link: { readonly eventId: string; readonly atMs: number; readonly requestId: string } | null;
}

export interface PlannedQuery {
  readonly id: string;
  readonly actor: Actor;
  readonly workgroup: string;
  readonly submittedMs: number;
  readonly completedMs: number;
  readonly tables: readonly Product[];
  readonly viaLink: boolean;
  readonly state: 'SUCCEEDED' | 'FAILED';
  readonly bytes: number;
  readonly queryText: string;
  readonly catalog: string;
  readonly database: string;
  readonly accesses: readonly PlannedAccess[];
  readonly startEventId: string;
  readonly startRequestId: string;
  readonly errorMessage: string | null;
}

const CATALOG_BY_DOMAIN: Record<string, string> = {
  sales: 'sales',
  marketing: 'marketing',
  'supply-chain': 'supply_chain',
  finance: 'finance',
};

function tableRef(product: Product, viaLink: boolean): string {
  if (viaLink) return `"awsdatacatalog"."${RESOURCE_LINK.database}"."${RESOURCE_LINK.table}"`;
  return `"${CATALOG_BY_DOMAIN[product.domain]}"."${product.database}"."${product.table}"`;
}

function queryText(tables: readonly Product[], viaLink: boolean, dayText: string, rng: Rng): string {
  const [first, second] = tables;
  if (!first) throw new Error('a query reads at least one table');
  const column = first.columns[rng.int(1, first.columns.length - 1)]?.name ?? first.columns[0]?.name;
  if (!second) {
    const filter = first.cadence === 'hourly' ? `dt_hour LIKE '${dayText}%'` : `dt = '${dayText}'`;
    return `SELECT ${column}, count(*) AS n FROM ${tableRef(first, viaLink)} WHERE ${filter} GROUP BY 1 ORDER BY 2 DESC LIMIT 100`;
  }
  const key = second.columns[0]?.name ?? 'id';
  return `SELECT a.${column}, count(*) AS n FROM ${tableRef(first, viaLink)} a JOIN ${tableRef(second, false)} b ON a.${key} = b.${key} WHERE a.dt = '${dayText}' GROUP BY 1 LIMIT 100`;
}

export interface QueryPlanOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly days: number;
  readonly scale: number;
}

interface Draft {
  actor: Actor;
  workgroup: string;
  atMs: number;
  tables: Product[];
  viaLink: boolean;
  forcedBytes?: number;
  denied?: boolean;
}

function weightedPick(rng: Rng, combos: readonly Combo[]): Combo {
  const total = combos.reduce((sum, combo) => sum + combo.weight, 0);
  let roll = rng.next() * total;
  for (const combo of combos) {
    roll -= combo.weight;
    if (roll < 0) return combo;
  }
  return combos[combos.length - 1]!;
}

function draftsForDay(habits: readonly Habit[], dayStart: number, rng: Rng): Draft[] {
  const drafts: Draft[] = [];
  for (const habit of habits) {
    const count = rng.int(habit.perDay[0], habit.perDay[1]);
    for (let index = 0; index < count; index++) {
      const atMs =
        habit.atMinute === undefined
          ? dayStart + 8 * HOUR + rng.int(0, 10 * 60 - 1) * MINUTE + rng.int(0, 59_999)
          : dayStart + habit.atMinute * MINUTE + rng.int(0, 119_999);
      const open = habit.combos.filter(
        (combo) =>
          (combo.fromMs === undefined || atMs >= combo.fromMs) &&
          combo.tables.every((fqn) => isAllowed(habit.actor, productByFqn(fqn), atMs)),
      );
      if (open.length === 0) continue;
      const combo = weightedPick(rng, open);
      drafts.push({
        actor: habit.actor,
        workgroup: habit.workgroup,
        atMs,
        tables: combo.tables.map(productByFqn),
        viaLink: combo.viaLink === true,
      });
    }
  }
  return drafts;
}

function plannedDrafts(options: QueryPlanOptions): Draft[] {
  const rng = Rng.for(options.seed, 'queries');
  const humans = scaledHabits(options.scale);
  const scheduled = scheduledHabits();
  const drafts: Draft[] = [];
  for (let dayIndex = 0; dayIndex < options.days; dayIndex++) {
    const dayStart = options.startMs + dayIndex * DAY;
    const today = draftsForDay([...humans, ...scheduled], dayStart, rng);
    // Every workgroup queries every day, so daily medians never mix "no row" with zero.
    for (const habit of humans) {
      if (!today.some((draft) => draft.workgroup === habit.workgroup))
        today.push(...draftsForDay([{ ...habit, perDay: [1, 1] }], dayStart, rng));
    }
    drafts.push(...today);
  }
  const endMs = options.startMs + options.days * DAY;
  const inWindow = (at: string) => Date.parse(at) >= options.startMs && Date.parse(at) < endMs;
  for (const attempt of DENIED_ATTEMPTS.filter((candidate) => inWindow(candidate.at))) {
    drafts.push({
      actor: attempt.actor,
      workgroup: attempt.workgroup,
      atMs: Date.parse(attempt.at),
      tables: [productByFqn(attempt.table)],
      viaLink: false,
      denied: true,
    });
  }
  if (inWindow(SCAN_SPIKE.at)) {
    drafts.push({
      actor: SCAN_SPIKE.actor,
      workgroup: SCAN_SPIKE.workgroup,
      atMs: Date.parse(SCAN_SPIKE.at),
      tables: [productByFqn(SCAN_SPIKE.table)],
      viaLink: false,
      forcedBytes: SCAN_SPIKE.bytes,
    });
  }
  return drafts.sort((a, b) => a.atMs - b.atMs);
}

function scannedBytes(draft: Draft, rng: Rng): number {
  if (draft.denied) return 0;
  if (draft.forcedBytes !== undefined) return draft.forcedBytes;
  const total = draft.tables.reduce((sum, product) => sum + product.scanBytes * (0.25 + rng.next() * 0.5), 0);
  return Math.max(1, Math.round(total));
}

function toQuery(draft: Draft, rng: Rng): PlannedQuery {
  const bytes = scannedBytes(draft, rng);
  const runMs = draft.denied ? rng.int(400, 900) : 1_500 + Math.round(bytes / 2 ** 20) * 3 + rng.int(0, 4_000);
  let eventMs = draft.atMs + rng.int(350, 900);
  const accesses: PlannedAccess[] = draft.tables.map((product) => {
    const link =
      draft.viaLink && product === draft.tables[0] ? { eventId: rng.uuid(), atMs: eventMs, requestId: rng.uuid() } : null;
    if (link) eventMs += rng.int(40, 120);
    const access: PlannedAccess = {
      product,
      atMs: eventMs,
      allowed: draft.denied !== true,
      eventId: rng.uuid(),
      copyEventId: rng.uuid(),
      sharedEventId: rng.uuid(),
      requestId: rng.uuid(),
      link,
    };
    eventMs += rng.int(30, 200);
    return access;
  });
  const first = draft.tables[0]!;
  const dayText = day(draft.atMs);
  const denied = draft.denied ? first : null;
  return {
    id: rng.uuid(),
    actor: draft.actor,
    workgroup: draft.workgroup,
    submittedMs: draft.atMs,
    completedMs: draft.atMs + runMs,
    tables: draft.tables,
    viaLink: draft.viaLink,
    state: denied ? 'FAILED' : 'SUCCEEDED',
    bytes,
    queryText: queryText(draft.tables, draft.viaLink, dayText, rng),
    catalog: draft.viaLink ? 'awsdatacatalog' : (CATALOG_BY_DOMAIN[first.domain] ?? 'awsdatacatalog'),
    database: draft.viaLink ? RESOURCE_LINK.database : first.database,
    accesses,
    startEventId: rng.uuid(),
    startRequestId: rng.uuid(),
    errorMessage: denied ? `Insufficient Lake Formation permission(s): Required Select on ${denied.table}` : null,
  };
}

export function planQueries(options: QueryPlanOptions): PlannedQuery[] {
  const rng = Rng.for(options.seed, 'query-details');
  return plannedDrafts(options).map((draft) => toQuery(draft, rng));
}

export { SCAN_SPIKE };

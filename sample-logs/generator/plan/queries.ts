/**
 * The Athena queries consumers run in the window, each with the Lake Formation data accesses it
 * causes. Habits say who reads what and when; a few attempts are planted to be denied, a spike is
 * planted in one workgroup, and two principals read a PII table for the first time late in the window.
 */
import { type Actor, PEOPLE, principalName, sso } from '../actors.js';
import { ANALYTICS, DATA_SCIENCE, PRODUCTS, type Product, productByFqn, RESOURCE_LINK } from '../org.js';
import { Rng } from '../prng.js';
import { DAY, day, HOUR, MINUTE } from '../time.js';
import { isAllowed } from './access.js';

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

interface Combo {
  readonly tables: readonly string[];
  readonly weight: number;
  readonly fromMs?: number;
  readonly viaLink?: boolean;
}

interface Habit {
  readonly actor: Actor;
  readonly workgroup: string;
  /** Queries per day, inclusive range; scheduled habits run once at `atMinute`. */
  readonly perDay: readonly [number, number];
  readonly atMinute?: number;
  readonly combos: readonly Combo[];
}

const t = (text: string) => Date.parse(text);

function humanHabits(): Habit[] {
  const { alice, bruno, chen, dana, erik, fatima, gus, hana, kumar } = PEOPLE;
  return [
    {
      actor: alice,
      workgroup: 'analysts',
      perDay: [1, 2],
      combos: [
        { tables: ['sales_db.orders'], weight: 3 },
        { tables: ['sales_db.orders', 'sales_db.returns'], weight: 2 },
        { tables: ['marketing_db.campaigns', 'marketing_db.web_sessions'], weight: 1 },
        { tables: ['sales_db.customers', 'sales_db.orders'], weight: 2, fromMs: t('2026-10-03T13:00:00Z') },
        { tables: ['finance_db.budgets'], weight: 1 },
      ],
    },
    {
      actor: bruno,
      workgroup: 'analysts',
      perDay: [1, 3],
      combos: [
        { tables: ['sales_db.orders'], weight: 2 },
        { tables: ['marketing_db.web_sessions'], weight: 1 },
        { tables: ['supply_chain_db.shipments'], weight: 2 },
        { tables: ['supply_chain_db.suppliers', 'supply_chain_db.inventory'], weight: 1 },
        { tables: ['finance_db.budgets'], weight: 1 },
      ],
    },
    {
      actor: chen,
      workgroup: 'analysts',
      perDay: [0, 2],
      combos: [
        { tables: ['sales_db.customers'], weight: 2, fromMs: t('2026-10-03T13:00:00Z') },
        { tables: ['sales_db.customers', 'sales_db.orders'], weight: 1, fromMs: t('2026-10-03T13:00:00Z') },
        { tables: ['sales_db.returns'], weight: 1 },
      ],
    },
    {
      actor: dana,
      workgroup: 'analysts',
      perDay: [0, 2],
      combos: [
        { tables: ['sales_db.orders', 'sales_db.returns'], weight: 2 },
        { tables: ['marketing_db.campaigns'], weight: 1 },
        // dana.kaur becomes a new PII reader inside the alert lookback.
        { tables: ['sales_db.customers'], weight: 3, fromMs: t('2026-10-26T09:00:00Z') },
      ],
    },
    {
      actor: erik,
      workgroup: 'analysts',
      perDay: [0, 1],
      combos: [
        { tables: ['supply_chain_db.inventory'], weight: 1 },
        { tables: ['supply_chain_db.shipments', 'supply_chain_db.inventory'], weight: 1 },
      ],
    },
    {
      actor: fatima,
      workgroup: 'ds-exploration',
      perDay: [1, 2],
      combos: [
        { tables: ['marketing_db.leads'], weight: 2 },
        { tables: ['marketing_db.leads', 'marketing_db.campaigns'], weight: 1 },
        { tables: ['marketing_db.web_sessions'], weight: 1 },
      ],
    },
    {
      actor: gus,
      workgroup: 'ds-exploration',
      perDay: [0, 2],
      combos: [
        { tables: ['marketing_db.leads'], weight: 1 },
        { tables: ['sales_db.orders'], weight: 2 },
        { tables: ['marketing_db.web_sessions'], weight: 1 },
      ],
    },
    {
      actor: hana,
      workgroup: 'ds-exploration',
      perDay: [0, 2],
      combos: [
        { tables: ['finance_db.invoices'], weight: 2 },
        { tables: ['marketing_db.leads'], weight: 1 },
        { tables: ['supply_chain_db.suppliers'], weight: 1, viaLink: true },
      ],
    },
    {
      actor: kumar,
      workgroup: 'ds-exploration',
      perDay: [1, 1],
      combos: [
        { tables: ['supply_chain_db.suppliers'], weight: 2, viaLink: true },
        // legacy.kumar (an IAM user) starts reading leads late: a second new PII reader.
        { tables: ['marketing_db.leads'], weight: 3, fromMs: t('2026-10-28T09:00:00Z') },
      ],
    },
  ];
}

function scheduledHabits(): Habit[] {
  return [
    {
      actor: PEOPLE.dashboards,
      workgroup: 'dashboards',
      perDay: [1, 1],
      atMinute: 6 * 60 + 30,
      combos: [{ tables: ['sales_db.orders', 'sales_db.returns'], weight: 1 }],
    },
    {
      actor: PEOPLE.dashboards,
      workgroup: 'dashboards',
      perDay: [1, 1],
      atMinute: 6 * 60 + 35,
      combos: [{ tables: ['supply_chain_db.shipments', 'supply_chain_db.inventory'], weight: 1 }],
    },
    {
      actor: PEOPLE.dashboards,
      workgroup: 'dashboards',
      perDay: [1, 1],
      atMinute: 6 * 60 + 40,
      combos: [{ tables: ['marketing_db.campaigns'], weight: 1 }],
    },
    {
      actor: PEOPLE.churn,
      workgroup: 'ds-batch',
      perDay: [1, 1],
      atMinute: 7 * 60 + 15,
      combos: [{ tables: ['marketing_db.leads'], weight: 1 }],
    },
    {
      actor: PEOPLE.payroll,
      workgroup: 'ds-batch',
      perDay: [1, 1],
      atMinute: 7 * 60 + 45,
      combos: [{ tables: ['finance_db.salaries'], weight: 1 }],
    },
  ];
}

/** Extra people for `--scale K`: copies of the human habits under numbered names. */
function scaledHabits(scale: number): Habit[] {
  const base = humanHabits();
  const extra: Habit[] = [];
  for (let copy = 2; copy <= scale; copy++) {
    for (const habit of base) {
      if (habit.actor.kind !== 'sso') continue;
      const user = `${habit.actor.user}.${String(copy).padStart(3, '0')}`;
      extra.push({ ...habit, actor: sso(habit.actor.accountId, user, habit.actor.permissionSet) });
    }
  }
  return [...base, ...extra];
}

/** Attempts that Lake Formation denies, planted at known instants. */
const DENIED_ATTEMPTS: readonly { actor: Actor; table: string; at: string; workgroup: string }[] = [
  { actor: PEOPLE.chen, table: 'sales_db.customers', at: '2026-10-02T15:40:12Z', workgroup: 'analysts' },
  { actor: PEOPLE.alice, table: 'sales_db.customers', at: '2026-10-02T16:02:45Z', workgroup: 'analysts' },
  { actor: PEOPLE.bruno, table: 'finance_db.budgets', at: '2026-10-21T09:12:33Z', workgroup: 'analysts' },
  { actor: PEOPLE.alice, table: 'finance_db.budgets', at: '2026-10-22T10:03:05Z', workgroup: 'analysts' },
  { actor: PEOPLE.fatima, table: 'finance_db.salaries', at: '2026-10-21T11:20:40Z', workgroup: 'ds-exploration' },
  { actor: PEOPLE.fatima, table: 'finance_db.salaries', at: '2026-10-21T11:24:02Z', workgroup: 'ds-exploration' },
];

/** One planted full scan: gus.moreau's ds-exploration workgroup on 2026-10-27. */
export const SCAN_SPIKE = {
  actor: PEOPLE.gus,
  table: 'marketing_db.web_sessions',
  at: '2026-10-27T14:21:09Z',
  workgroup: 'ds-exploration',
  bytes: 2_748_779_069_440,
};

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

export function consumerAccounts(): readonly string[] {
  return [ANALYTICS, DATA_SCIENCE];
}

export function describeQuery(query: PlannedQuery): string {
  return `${principalName(query.actor)} ${query.tables.map((product) => product.table).join('+')}`;
}

export const ALL_PRODUCTS = PRODUCTS;

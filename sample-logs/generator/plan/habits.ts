/**
 * Who reads what, when: the consumers' query habits, the attempts Lake Formation denies, and the
 * planted full scan. Data only; queries.ts turns it into queries.
 */
import { type Actor, PEOPLE, sso } from '../actors.js';

export interface Combo {
  readonly tables: readonly string[];
  readonly weight: number;
  readonly fromMs?: number;
  readonly viaLink?: boolean;
}

export interface Habit {
  readonly actor: Actor;
  readonly workgroup: string;
  /** Queries per day, inclusive range; scheduled habits run once at `atMinute`. */
  readonly perDay: readonly [number, number];
  readonly atMinute?: number;
  readonly combos: readonly Combo[];
}

const t = (text: string) => Date.parse(text);

export function humanHabits(): Habit[] {
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

export function scheduledHabits(): Habit[] {
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
export function scaledHabits(scale: number): Habit[] {
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
export const DENIED_ATTEMPTS: readonly { actor: Actor; table: string; at: string; workgroup: string }[] = [
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

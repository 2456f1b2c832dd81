/**
 * Daily cost per account × service, in units of 1e-10 USD (integers, so every sum is exact), from
 * the first cost day to the last. The `Amazon Athena` amount of a consumer account on a day inside
 * the log window equals the sum of its SUCCEEDED queries' costs that day (DEFINITIONS.md formula);
 * before the window it is a plain figure. One planted anomaly: a runaway Glue job in marketing.
 */
import { ACCOUNTS, type Account } from '../org.js';
import { Rng } from '../prng.js';
import { DAY, day } from '../time.js';
import type { PlannedQuery } from './queries.js';

export const UNIT = 1e10;
export const COST_START = '2026-09-01';
export const COST_END_EXCLUSIVE = '2026-10-31';
export const ATHENA = 'Amazon Athena';
export const PRICING = { athenaUsdPerTb: 5, minBytesPerQuery: 10 * 2 ** 20 } as const;
export const COST_ANOMALY = { accountId: '322222222222', service: 'AWS Glue', day: '2026-10-28', extraUsd: 148.5 } as const;

/** Athena cost of one query in USD, per DEFINITIONS.md "Chargeback". */
export function queryCostUsd(bytes: number): number {
  const billed = Math.max(Math.ceil(bytes / 2 ** 20) * 2 ** 20, PRICING.minBytesPerQuery);
  return (billed / 2 ** 40) * PRICING.athenaUsdPerTb;
}

const BASE_USD: Record<string, Record<string, number>> = {
  management: { 'AWS CloudTrail': 3.2, 'Amazon Simple Storage Service': 0.45, 'AWS Cost Explorer': 0.3 },
  'log-archive': { 'Amazon Simple Storage Service': 6.5, 'AWS Key Management Service': 0.8 },
  governance: { 'AWS Glue': 1.2, 'Amazon Simple Storage Service': 0.6, 'AWS Lambda': 0.12, AmazonCloudWatch: 0.4 },
  sales: {
    'Amazon Simple Storage Service': 8.1,
    'AWS Glue': 10.4,
    'Amazon Elastic Compute Cloud - Compute': 15.2,
    'AWS Key Management Service': 0.5,
    AmazonCloudWatch: 0.7,
  },
  marketing: {
    'Amazon Simple Storage Service': 5.3,
    'AWS Glue': 12.1,
    'Amazon Elastic Compute Cloud - Compute': 6.4,
    'Amazon Kinesis Firehose': 2.2,
    AmazonCloudWatch: 0.7,
  },
  'supply-chain': {
    'Amazon Simple Storage Service': 6.2,
    'AWS Glue': 7.3,
    'Amazon Elastic Compute Cloud - Compute': 9.1,
    AmazonCloudWatch: 0.6,
  },
  finance: {
    'Amazon Simple Storage Service': 3.1,
    'AWS Glue': 4.2,
    'Amazon Elastic Compute Cloud - Compute': 2.3,
    'AWS Key Management Service': 0.6,
  },
  analytics: { 'Amazon Simple Storage Service': 2.1, 'Amazon QuickSight': 3.3, [ATHENA]: 0.9 },
  'data-science': { 'Amazon Simple Storage Service': 4.2, 'Amazon SageMaker': 19.8, [ATHENA]: 1.1 },
};

function baseFor(account: Account): Record<string, number> {
  if (account.kind === 'producer' || account.kind === 'consumer') return BASE_USD[account.domain] ?? {};
  return BASE_USD[account.kind] ?? {};
}

export interface CostRow {
  readonly day: string;
  readonly accountId: string;
  readonly service: string;
  readonly units: number;
}

export interface CostOptions {
  readonly seed: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
}

export function athenaUnitsByAccountDay(queries: readonly PlannedQuery[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const query of queries) {
    if (query.state !== 'SUCCEEDED') continue;
    const key = `${query.actor.accountId}|${day(query.submittedMs)}`;
    sums.set(key, (sums.get(key) ?? 0) + Math.round(queryCostUsd(query.bytes) * UNIT));
  }
  return sums;
}

export function planCosts(queries: readonly PlannedQuery[], options: CostOptions): CostRow[] {
  const rng = Rng.for(options.seed, 'costs');
  const athena = athenaUnitsByAccountDay(queries);
  const rows: CostRow[] = [];
  for (let at = Date.parse(`${COST_START}T00:00:00Z`); at < Date.parse(`${COST_END_EXCLUSIVE}T00:00:00Z`); at += DAY) {
    const dayText = day(at);
    const inWindow = at >= options.windowStartMs && at < options.windowEndMs;
    for (const account of ACCOUNTS) {
      for (const [service, usd] of Object.entries(baseFor(account))) {
        let units: number;
        if (service === ATHENA && inWindow) units = athena.get(`${account.id}|${dayText}`) ?? 0;
        else units = Math.round(usd * rng.jitter(0.08) * UNIT);
        if (account.id === COST_ANOMALY.accountId && service === COST_ANOMALY.service && dayText === COST_ANOMALY.day) {
          units += Math.round(COST_ANOMALY.extraUsd * UNIT);
        }
        rows.push({ day: dayText, accountId: account.id, service, units });
      }
    }
  }
  return rows;
}

/** A decimal string as Cost Explorer writes amounts (up to 10 decimals, no trailing zeros). */
export function amountText(units: number): string {
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(11, '0');
  const whole = digits.slice(0, -10);
  const fraction = digits.slice(-10).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Share of each producer/consumer account's cost carrying its `domain` tag; the rest is untagged. */
export const TAGGED_SHARE = 0.92;

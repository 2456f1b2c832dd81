/**
 * Cost Explorer GetCostAndUsage, DAILY, UnblendedCost and AmortizedCost, over the whole cost period:
 * once grouped by LINKED_ACCOUNT + SERVICE and once by TAG `domain` (`domain$` = untagged). The last
 * two days are `Estimated: true`. Paged by NextPageToken, 20 days a page.
 */
import { ACCOUNTS, accountById, MANAGEMENT_ACCOUNT, PRIMARY_REGION } from '../org.js';
import { amountText, COST_END_EXCLUSIVE, COST_START, type CostRow, TAGGED_SHARE } from '../plan/costs.js';
import { DAY } from '../time.js';
import type { SnapshotWriter } from './snapshot-writer.js';

const METRICS = ['AmortizedCost', 'UnblendedCost'];

function metrics(units: number) {
  const amount = { Amount: amountText(units), Unit: 'USD' };
  return { AmortizedCost: amount, UnblendedCost: { ...amount } };
}

function nextDay(dayText: string): string {
  return new Date(Date.parse(`${dayText}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}

function days(): string[] {
  const out: string[] = [];
  for (let at = Date.parse(`${COST_START}T00:00:00Z`); at < Date.parse(`${COST_END_EXCLUSIVE}T00:00:00Z`); at += DAY)
    out.push(new Date(at).toISOString().slice(0, 10));
  return out;
}

/** Tagged part of one cost row; the remainder is untagged. */
export function taggedUnits(row: CostRow): { domain: string; units: number }[] {
  const account = accountById(row.accountId);
  if (account.kind !== 'producer' && account.kind !== 'consumer') return [{ domain: '', units: row.units }];
  const tagged = Math.round(row.units * TAGGED_SHARE);
  return [
    { domain: account.domain, units: tagged },
    { domain: '', units: row.units - tagged },
  ];
}

export function writeCostExplorer(writer: SnapshotWriter, rows: readonly CostRow[]): void {
  const allDays = days();
  const estimatedFrom = allDays[allDays.length - 2]!;
  const byDay = new Map<string, CostRow[]>();
  for (const row of rows) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
  const request = (groupBy: unknown) => ({
    TimePeriod: { Start: COST_START, End: COST_END_EXCLUSIVE },
    Granularity: 'DAILY',
    Metrics: METRICS,
    GroupBy: groupBy,
  });
  const result = (dayText: string, groups: unknown[]) => ({
    TimePeriod: { Start: dayText, End: nextDay(dayText) },
    Total: {},
    Groups: groups,
    Estimated: dayText >= estimatedFrom,
  });
  const chunk = <T>(items: T[]): T[][] => {
    const out: T[][] = [];
    for (let index = 0; index < items.length; index += 20) out.push(items.slice(index, index + 20));
    return out;
  };
  const meta = { service: 'cost-explorer', account: MANAGEMENT_ACCOUNT, region: PRIMARY_REGION, operation: 'GetCostAndUsage' };
  const byService = allDays.map((dayText) =>
    result(
      dayText,
      (byDay.get(dayText) ?? []).map((row) => ({ Keys: [row.accountId, row.service], Metrics: metrics(row.units) })),
    ),
  );
  const serviceGroupBy = [
    { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
    { Type: 'DIMENSION', Key: 'SERVICE' },
  ];
  writer.pages(
    { ...meta, request: request(serviceGroupBy), discriminator: 'LINKED_ACCOUNT+SERVICE' },
    chunk(byService).map((results) => ({
      GroupDefinitions: serviceGroupBy,
      ResultsByTime: results,
      DimensionValueAttributes: ACCOUNTS.map((account) => ({ Value: account.id, Attributes: { description: account.name } })),
    })),
    'NextPageToken',
  );
  const byTag = allDays.map((dayText) => {
    const sums = new Map<string, number>();
    for (const row of byDay.get(dayText) ?? [])
      for (const part of taggedUnits(row)) sums.set(part.domain, (sums.get(part.domain) ?? 0) + part.units);
    const groups = [...sums.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([domain, units]) => ({ Keys: [`domain$${domain}`], Metrics: metrics(units) }));
    return result(dayText, groups);
  });
  const tagGroupBy = [{ Type: 'TAG', Key: 'domain' }];
  writer.pages(
    { ...meta, request: request(tagGroupBy), discriminator: 'TAG-domain' },
    chunk(byTag).map((results) => ({ GroupDefinitions: tagGroupBy, ResultsByTime: results, DimensionValueAttributes: [] })),
    'NextPageToken',
  );
}

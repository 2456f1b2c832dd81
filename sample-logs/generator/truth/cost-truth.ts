/**
 * Truth for chargeback (DEFINITIONS.md "Chargeback", `even` shared allocation, `tables` matrix
 * split), Athena daily usage and scan spikes, domain daily cost and cost anomalies.
 */
import { ACCOUNTS, accountById } from '../org.js';
import { ATHENA, type CostRow, queryCostUsd, UNIT } from '../plan/costs.js';
import type { PlannedQuery } from '../plan/queries.js';
import { DAY, day, month } from '../time.js';

const round = (value: number, digits = 6) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Domains that own producer or consumer accounts: they share the platform's cost. */
export function chargedDomains(): string[] {
  return [
    ...new Set(
      ACCOUNTS.filter((account) => account.kind === 'producer' || account.kind === 'consumer').map((account) => account.domain),
    ),
  ];
}

export function monthlyByDomain(rows: readonly CostRow[], matrix: ReturnType<typeof athenaMatrix>) {
  const months = [...new Set(rows.map((row) => row.day.slice(0, 7)))].sort();
  const domains = chargedDomains();
  const out: Record<string, unknown>[] = [];
  for (const monthText of months) {
    const inMonth = rows.filter((row) => row.day.startsWith(monthText));
    const sharedUnits = inMonth
      .filter((row) => !['producer', 'consumer'].includes(accountById(row.accountId).kind))
      .reduce((sum, row) => sum + row.units, 0);
    for (const domain of domains) {
      const own = inMonth.filter((row) => accountById(row.accountId).domain === domain);
      const producer = own.filter((row) => row.service !== ATHENA).reduce((sum, row) => sum + row.units, 0) / UNIT;
      const consumer = own.filter((row) => row.service === ATHENA).reduce((sum, row) => sum + row.units, 0) / UNIT;
      const shared = sharedUnits / UNIT / domains.length;
      const served = matrix
        .filter((cell) => cell.month === monthText && cell.producer_domain === domain)
        .reduce((sum, cell) => sum + cell.cost_usd, 0);
      out.push({
        month: monthText,
        domain,
        producer_cost_usd: round(producer),
        consumer_cost_usd: round(consumer),
        shared_allocation_usd: round(shared),
        total_usd: round(producer + consumer + shared),
        athena_served_usd: round(served),
      });
    }
  }
  for (const row of out) {
    const previous = out.find(
      (candidate) => candidate.domain === row.domain && candidate.month === previousMonth(String(row.month)),
    );
    row.previous_total_usd = previous ? previous.total_usd : null;
    row.mom_change_usd = previous ? round(Number(row.total_usd) - Number(previous.total_usd)) : null;
    row.mom_change_pct =
      previous && Number(previous.total_usd) !== 0
        ? round(((Number(row.total_usd) - Number(previous.total_usd)) / Number(previous.total_usd)) * 100, 4)
        : null;
  }
  return out;
}

function previousMonth(monthText: string): string {
  const [year, monthNumber] = monthText.split('-').map(Number) as [number, number];
  const date = new Date(Date.UTC(year, monthNumber - 2, 1));
  return date.toISOString().slice(0, 7);
}

export function totalByMonth(rows: readonly CostRow[]) {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.day.slice(0, 7), (sums.get(row.day.slice(0, 7)) ?? 0) + row.units);
  return [...sums.entries()].sort().map(([monthText, units]) => ({ month: monthText, unblended_usd: round(units / UNIT) }));
}

export function athenaMatrix(queries: readonly PlannedQuery[]) {
  const cells = new Map<
    string,
    {
      month: string;
      consumer_domain: string;
      producer_domain: string;
      cost_usd: number;
      bytes_scanned: number;
      queries: Set<string>;
    }
  >();
  for (const query of queries) {
    if (query.state !== 'SUCCEEDED') continue;
    const tables = [...new Set(query.tables)];
    const share = queryCostUsd(query.bytes) / tables.length;
    for (const product of tables) {
      const key = `${month(query.submittedMs)}|${accountById(query.actor.accountId).domain}|${product.domain}`;
      const cell = cells.get(key) ?? {
        month: month(query.submittedMs),
        consumer_domain: accountById(query.actor.accountId).domain,
        producer_domain: product.domain,
        cost_usd: 0,
        bytes_scanned: 0,
        queries: new Set<string>(),
      };
      cell.cost_usd += share;
      cell.bytes_scanned += query.bytes / tables.length;
      cell.queries.add(query.id);
      cells.set(key, cell);
    }
  }
  return [...cells.values()]
    .map((cell) => ({
      ...cell,
      cost_usd: round(cell.cost_usd, 8),
      bytes_scanned: Math.round(cell.bytes_scanned),
      queries: cell.queries.size,
    }))
    .sort((a, b) =>
      `${a.month}${a.consumer_domain}${a.producer_domain}`.localeCompare(`${b.month}${b.consumer_domain}${b.producer_domain}`),
    );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Days whose value exceeds `factor` × the median of the 7 preceding days (with ≥ `minHistory` of them present). */
function spikes(
  series: Map<string, number>,
  factor: number,
  minHistory: number,
  floor: number,
): { day: string; value: number; baseline: number }[] {
  const out: { day: string; value: number; baseline: number }[] = [];
  for (const [dayText, value] of series) {
    const at = Date.parse(`${dayText}T00:00:00Z`);
    const history: number[] = [];
    for (let back = 1; back <= 7; back++) {
      const previous = series.get(day(at - back * DAY));
      if (previous !== undefined) history.push(previous);
    }
    if (history.length < minHistory) continue;
    const baseline = median(history);
    if (value > factor * baseline && value > floor) out.push({ day: dayText, value, baseline });
  }
  return out;
}

export function athenaDailyUsage(queries: readonly PlannedQuery[]) {
  const rows = new Map<
    string,
    {
      day: string;
      account_id: string;
      consumer_domain: string;
      workgroup: string;
      queries: number;
      bytes_scanned: number;
      cost_usd: number;
    }
  >();
  for (const query of queries) {
    const key = `${day(query.submittedMs)}|${query.actor.accountId}|${query.workgroup}`;
    const row = rows.get(key) ?? {
      day: day(query.submittedMs),
      account_id: query.actor.accountId,
      consumer_domain: accountById(query.actor.accountId).domain,
      workgroup: query.workgroup,
      queries: 0,
      bytes_scanned: 0,
      cost_usd: 0,
    };
    row.queries++;
    row.bytes_scanned += query.bytes;
    if (query.state === 'SUCCEEDED') row.cost_usd += queryCostUsd(query.bytes);
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) =>
    `${a.day}${a.account_id}${a.workgroup}`.localeCompare(`${b.day}${b.account_id}${b.workgroup}`),
  );
}

export function scanSpikes(usage: ReturnType<typeof athenaDailyUsage>) {
  const series = new Map<string, Map<string, number>>();
  for (const row of usage) {
    const key = `${row.account_id}|${row.workgroup}`;
    const days = series.get(key) ?? new Map<string, number>();
    days.set(row.day, row.bytes_scanned);
    series.set(key, days);
  }
  return [...series.entries()].flatMap(([key, days]) => {
    const [account_id, workgroup] = key.split('|') as [string, string];
    return spikes(days, 5, 3, 0).map((spike) => ({
      account_id,
      workgroup,
      day: spike.day,
      bytes_scanned: spike.value,
      baseline_bytes: spike.baseline,
    }));
  });
}

export function costDailyDomain(rows: readonly CostRow[]) {
  const sums = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.day}|${accountById(row.accountId).domain}`;
    sums.set(key, (sums.get(key) ?? 0) + row.units);
  }
  return [...sums.entries()].map(([key, units]) => {
    const [dayText, domain] = key.split('|') as [string, string];
    return { day: dayText, domain, cost_usd: units / UNIT };
  });
}

export function costAnomalies(daily: ReturnType<typeof costDailyDomain>) {
  const series = new Map<string, Map<string, number>>();
  for (const row of daily) {
    const days = series.get(row.domain) ?? new Map<string, number>();
    days.set(row.day, row.cost_usd);
    series.set(row.domain, days);
  }
  return [...series.entries()].flatMap(([domain, days]) =>
    spikes(days, 2, 7, 5).map((spike) => ({
      domain,
      day: spike.day,
      cost_usd: round(spike.value),
      baseline_usd: round(spike.baseline),
    })),
  );
}

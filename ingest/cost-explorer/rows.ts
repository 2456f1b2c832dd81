/** Flattens Cost Explorer results into the declared columns. */
import type { ResultByTime } from '@aws-sdk/client-cost-explorer';
import type { DatasetRow } from '../aws/dataset-writer.js';

export type Grouping = { readonly kind: 'LINKED_ACCOUNT,SERVICE' } | { readonly kind: 'TAG'; readonly tagKey: string };

export function costRows(result: ResultByTime, grouping: Grouping, fetchedAt: Date): DatasetRow[] {
  const day = result.TimePeriod?.Start;
  if (!day) return [];
  return (result.Groups ?? []).map((group) => {
    const keys = group.Keys ?? [];
    const unblended = group.Metrics?.UnblendedCost;
    const amortized = group.Metrics?.AmortizedCost;
    return {
      day,
      grouping: grouping.kind,
      account_id: grouping.kind === 'LINKED_ACCOUNT,SERVICE' ? (keys[0] ?? null) : null,
      service: grouping.kind === 'LINKED_ACCOUNT,SERVICE' ? (keys[1] ?? null) : null,
      tag_key: grouping.kind === 'TAG' ? grouping.tagKey : null,
      tag_value: grouping.kind === 'TAG' ? tagValueOf(keys[0] ?? '', grouping.tagKey) : null,
      unblended_cost_usd: unblended?.Amount === undefined ? null : Number(unblended.Amount),
      amortized_cost_usd: amortized?.Amount === undefined ? null : Number(amortized.Amount),
      currency: unblended?.Unit ?? amortized?.Unit ?? null,
      estimated: result.Estimated ?? false,
      fetched_at: fetchedAt,
      billing_month: day.slice(0, 7),
    };
  });
}

/** Cost Explorer writes tag groups as `key$value`; `key$` is untagged. */
export function tagValueOf(groupKey: string, tagKey: string): string {
  const prefix = `${tagKey}$`;
  if (groupKey.startsWith(prefix)) return groupKey.slice(prefix.length);
  const dollar = groupKey.indexOf('$');
  return dollar >= 0 ? groupKey.slice(dollar + 1) : groupKey;
}

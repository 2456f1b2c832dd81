/**
 * Cost Explorer collector (the management account, us-east-1): daily cost by linked account ×
 * service and by the domain tag, UnblendedCost and AmortizedCost. Each page is a paid request
 * ($0.01): only days not yet final are fetched (state in `lake/_state/cost_explorer.json`), and
 * the run says how many paid requests it made.
 */
import { CostExplorerClient, GetCostAndUsageCommand, type GetCostAndUsageCommandInput } from '@aws-sdk/client-cost-explorer';
import { accountsOfKind } from '../../lib/config/accounts.js';
import { GLOBAL_API_REGION } from '../aws/accounts.js';
import { type ApiCollectorDependencies, type CollectedRow, defineApiCollector, type ScopeContext } from '../aws/api-collector.js';
import { pagesByToken } from '../aws/paging.js';
import { readState, writeState } from '../aws/state.js';
import type { SourceCollector } from '../source.js';
import { costDailyDataset } from './datasets.js';
import { type FinalDaysState, fetchPeriod, nextFinalThrough } from './fetch-plan.js';
import { costRows, type Grouping } from './rows.js';

export const USD_PER_REQUEST = 0.01;
const STATE_PATH = ['cost_explorer.json'];

function groupingId(grouping: Grouping): string {
  return grouping.kind === 'TAG' ? `TAG:${grouping.tagKey}` : grouping.kind;
}

function groupBy(grouping: Grouping): GetCostAndUsageCommandInput['GroupBy'] {
  return grouping.kind === 'TAG'
    ? [{ Type: 'TAG', Key: grouping.tagKey }]
    : [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'SERVICE' },
      ];
}

async function* collectScope(scope: ScopeContext): AsyncGenerator<CollectedRow> {
  const source = scope.ctx.config.sources.cost_explorer;
  const historyDays = source?.history_days ?? 60;
  const refreshDays = source?.refresh_days ?? 3;
  const client = scope.client(CostExplorerClient);
  const state = await readState<FinalDaysState>(scope.ctx.layout, STATE_PATH, { groupings: {} });
  const next: Record<string, { final_through: string } | undefined> = { ...state.groupings };
  const groupings: Grouping[] = [{ kind: 'LINKED_ACCOUNT,SERVICE' }, { kind: 'TAG', tagKey: source?.tag_key ?? 'domain' }];
  let paidRequests = 0;
  for (const grouping of groupings) {
    const id = groupingId(grouping);
    const period = fetchPeriod(scope.ctx.now, historyDays, refreshDays, state.groupings[id]?.final_through);
    const estimatedByDay = new Map<string, boolean>();
    const pages = pagesByToken(
      'GetCostAndUsage',
      (token) => {
        paidRequests += 1;
        return client.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: period.start, End: period.end },
            Granularity: 'DAILY',
            Metrics: ['UnblendedCost', 'AmortizedCost'],
            GroupBy: groupBy(grouping),
            ...(token ? { NextPageToken: token } : {}),
          }),
        );
      },
      (page) => page.NextPageToken,
      scope.paging,
    );
    for await (const page of pages) {
      for (const result of page.ResultsByTime ?? []) {
        const day = result.TimePeriod?.Start;
        if (day) estimatedByDay.set(day, (estimatedByDay.get(day) ?? false) || (result.Estimated ?? false));
        for (const row of costRows(result, grouping, scope.ctx.now)) yield { dataset: costDailyDataset, row };
      }
    }
    const finalThrough = nextFinalThrough(state.groupings[id]?.final_through, period, estimatedByDay, refreshDays);
    next[id] = finalThrough ? { final_through: finalThrough } : undefined;
  }
  scope.note(`cost_explorer: ${paidRequests} paid requests ($${(paidRequests * USD_PER_REQUEST).toFixed(2)})`);
  scope.afterWrite(() => writeState(scope.ctx.layout, STATE_PATH, { groupings: next }));
}

export function createCostExplorerCollector(dependencies: ApiCollectorDependencies = {}): SourceCollector {
  return defineApiCollector(
    {
      name: 'cost_explorer',
      description: 'Cost Explorer daily cost by account × service and by domain tag (incremental, paid API)',
      datasets: [{ spec: costDailyDataset, meta: 'rows' }],
      accounts: (config) => {
        const configured = config.sources.cost_explorer?.account ?? accountsOfKind(config, 'management')[0]?.id;
        return configured ? [configured] : [];
      },
      regions: () => [GLOBAL_API_REGION],
      global: true,
      collectScope,
    },
    dependencies,
  );
}

export const costExplorerCollector = createCostExplorerCollector();

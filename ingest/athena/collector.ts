/**
 * Athena collector (consumer accounts, or `sources.athena.accounts`): workgroups as a snapshot and
 * query executions incrementally — each workgroup is listed newest first down to the last id seen
 * in an earlier run (checkpoint in `lake/_state/athena/`), so a second run asks for new queries only.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { sourceAccounts } from '../aws/accounts.js';
import { type ApiCollectorDependencies, type CollectedRow, defineApiCollector, type ScopeContext } from '../aws/api-collector.js';
import { readState, writeState } from '../aws/state.js';
import type { SourceCollector } from '../source.js';
import { athenaQueriesDataset, athenaWorkgroupsDataset } from './datasets.js';
import { newQueryIds, queryExecutions, workGroups } from './fetch.js';
import { queryRow, workGroupRow } from './rows.js';

interface AthenaCheckpoint {
  readonly workgroups: Record<string, { readonly last_seen_id: string; readonly updated_at: string }>;
}

const checkpointPath = (account: string, region: string) => ['athena', `${account}-${region}.json`];

async function* collectScope(scope: ScopeContext): AsyncGenerator<CollectedRow> {
  const { account, region } = scope.scope;
  const athena = scope.client(AthenaClient);
  const wanted = scope.ctx.config.sources.athena?.workgroups;
  const checkpoint = await readState<AthenaCheckpoint>(scope.ctx.layout, checkpointPath(account, region), { workgroups: {} });
  const next: AthenaCheckpoint = { workgroups: { ...checkpoint.workgroups } };
  const meta = { collectedAt: scope.ctx.now, account, region };
  let unprocessed = 0;
  for await (const workGroup of workGroups(athena, scope.paging)) {
    const name = workGroup.Name as string;
    if (wanted && !wanted.includes(name)) continue;
    yield { dataset: athenaWorkgroupsDataset, row: workGroupRow(workGroup) };
    const listed = await newQueryIds(athena, name, checkpoint.workgroups[name]?.last_seen_id, scope.paging);
    if (listed.ids.length === 0) continue;
    const batch = await queryExecutions(athena, listed.ids);
    for (const execution of batch.executions) yield { dataset: athenaQueriesDataset, row: queryRow(execution, meta) };
    unprocessed += batch.unprocessed.length;
    // Ids left unprocessed are asked again next run: the checkpoint moves only past complete listings.
    if (batch.unprocessed.length === 0) {
      next.workgroups[name] = { last_seen_id: listed.ids[0] as string, updated_at: scope.ctx.now.toISOString() };
    }
  }
  if (unprocessed > 0) {
    scope.note(`athena: ${unprocessed} query id(s) in ${account} ${region} stayed unprocessed after retries`);
  }
  scope.afterWrite(() => writeState(scope.ctx.layout, checkpointPath(account, region), next));
}

export function createAthenaCollector(dependencies: ApiCollectorDependencies = {}): SourceCollector {
  return defineApiCollector(
    {
      name: 'athena',
      description: 'Athena workgroups and query executions of consumer accounts (incremental)',
      datasets: [
        { spec: athenaWorkgroupsDataset, meta: 'scope-snapshot' },
        { spec: athenaQueriesDataset, meta: 'rows' },
      ],
      accounts: (config) => sourceAccounts(config, config.sources.athena?.accounts, ['consumer']),
      regions: (config) => config.regions,
      collectScope,
    },
    dependencies,
  );
}

export const athenaCollector = createAthenaCollector();

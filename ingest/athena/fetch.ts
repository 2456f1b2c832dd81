/**
 * Athena reads for one account and region: workgroups, and query executions newest first down to
 * the last id seen (the checkpoint), fetched in batches of at most 50 ids with unprocessed ids
 * asked again.
 */
import {
  type AthenaClient,
  BatchGetQueryExecutionCommand,
  GetWorkGroupCommand,
  paginateListQueryExecutions,
  paginateListWorkGroups,
  type QueryExecution,
  type WorkGroup,
} from '@aws-sdk/client-athena';
import { boundedPages, chunks, type PageLimit } from '../aws/paging.js';

export const BATCH_LIMIT = 50;
/** Rounds of re-asking for ids a batch left unprocessed before giving up on them. */
export const UNPROCESSED_RETRY_ROUNDS = 3;

export async function* workGroups(client: AthenaClient, paging: PageLimit): AsyncGenerator<WorkGroup> {
  for await (const page of boundedPages('ListWorkGroups', paginateListWorkGroups({ client }, {}), paging)) {
    for (const summary of page.WorkGroups ?? []) {
      if (!summary.Name) continue;
      const answer = await client.send(new GetWorkGroupCommand({ WorkGroup: summary.Name }));
      if (answer.WorkGroup) yield answer.WorkGroup;
    }
  }
}

export interface NewQueryIds {
  /** Ids newer than the checkpoint, newest first. */
  readonly ids: string[];
  /** Whether listing stopped at the checkpoint (false: the whole 45-day history was read). */
  readonly reachedCheckpoint: boolean;
}

/** Lists ids newest first and stops paging at `lastSeenId`. */
export async function newQueryIds(
  client: AthenaClient,
  workGroup: string,
  lastSeenId: string | undefined,
  paging: PageLimit,
): Promise<NewQueryIds> {
  const ids: string[] = [];
  const pages = paginateListQueryExecutions({ client }, { WorkGroup: workGroup });
  for await (const page of boundedPages('ListQueryExecutions', pages, paging)) {
    for (const id of page.QueryExecutionIds ?? []) {
      if (id === lastSeenId) return { ids, reachedCheckpoint: true };
      ids.push(id);
    }
  }
  return { ids, reachedCheckpoint: false };
}

export interface QueryExecutionBatch {
  readonly executions: QueryExecution[];
  /** Ids still unprocessed after every retry round. */
  readonly unprocessed: string[];
}

export async function queryExecutions(client: AthenaClient, ids: readonly string[]): Promise<QueryExecutionBatch> {
  const executions: QueryExecution[] = [];
  const unprocessed: string[] = [];
  for (const batch of chunks(ids, BATCH_LIMIT)) {
    let pending = batch;
    for (let round = 0; round <= UNPROCESSED_RETRY_ROUNDS && pending.length > 0; round += 1) {
      const answer = await client.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: pending }));
      executions.push(...(answer.QueryExecutions ?? []));
      pending = (answer.UnprocessedQueryExecutionIds ?? []).flatMap((item) =>
        item.QueryExecutionId ? [item.QueryExecutionId] : [],
      );
    }
    unprocessed.push(...pending);
  }
  return { executions, unprocessed };
}

/**
 * Athena snapshots for the consumer accounts: ListWorkGroups, GetWorkGroup, ListQueryExecutions
 * (newest first, 50 a page) and one BatchGetQueryExecution page holding every QueryExecution of
 * the account — the same ids, times, text, states and bytes as the CloudTrail events.
 */
import { ANALYTICS, DATA_SCIENCE, PRIMARY_REGION } from '../org.js';
import type { PlannedQuery } from '../plan/queries.js';
import { epochSeconds } from '../time.js';
import type { SnapshotWriter } from './snapshot-writer.js';

const WORKGROUPS: Record<string, { name: string; description: string }[]> = {
  [ANALYTICS]: [
    { name: 'primary', description: '' },
    { name: 'analysts', description: 'Ad-hoc analysis by the analytics team' },
    { name: 'dashboards', description: 'Scheduled dashboard refreshes' },
  ],
  [DATA_SCIENCE]: [
    { name: 'primary', description: '' },
    { name: 'ds-exploration', description: 'Notebook exploration' },
    { name: 'ds-batch', description: 'Model training and scoring jobs' },
  ],
};

const ENGINE = { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' };
const CREATED = epochSeconds(Date.parse('2026-03-02T10:00:00Z'));

export function queryExecution(query: PlannedQuery): Record<string, unknown> {
  const failed = query.state === 'FAILED';
  const total = query.completedMs - query.submittedMs;
  return {
    QueryExecutionId: query.id,
    Query: query.queryText,
    StatementType: 'DML',
    ResultConfiguration: {
      OutputLocation: `s3://nimbuscart-athena-results-${query.actor.accountId}/${query.workgroup}/${query.id}.csv`,
    },
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    QueryExecutionContext: { Database: query.database, Catalog: query.catalog },
    Status: {
      State: query.state,
      SubmissionDateTime: epochSeconds(query.submittedMs),
      CompletionDateTime: epochSeconds(query.completedMs),
      ...(failed
        ? {
            StateChangeReason: query.errorMessage,
            AthenaError: { ErrorCategory: 2, ErrorType: 1306, Retryable: false, ErrorMessage: query.errorMessage },
          }
        : {}),
    },
    Statistics: {
      EngineExecutionTimeInMillis: Math.max(0, total - 180),
      DataScannedInBytes: query.bytes,
      TotalExecutionTimeInMillis: total,
      QueryQueueTimeInMillis: 95,
      ServicePreProcessingTimeInMillis: 40,
      QueryPlanningTimeInMillis: Math.min(600, Math.floor(total / 4)),
      ServiceProcessingTimeInMillis: 45,
      ResultReuseInformation: { ReusedPreviousResult: false },
    },
    WorkGroup: query.workgroup,
    EngineVersion: ENGINE,
    SubstatementType: 'SELECT',
  };
}

export function writeAthena(writer: SnapshotWriter, queries: readonly PlannedQuery[]): void {
  for (const [accountId, groups] of Object.entries(WORKGROUPS)) {
    const meta = { service: 'athena', account: accountId, region: PRIMARY_REGION };
    writer.paged(
      { ...meta, operation: 'ListWorkGroups', request: {} },
      'WorkGroups',
      groups.map((group) => ({
        Name: group.name,
        State: 'ENABLED',
        Description: group.description,
        CreationTime: CREATED,
        EngineVersion: ENGINE,
      })),
      50,
    );
    const mine = queries.filter((query) => query.actor.accountId === accountId);
    for (const group of groups) {
      writer.pages({ ...meta, operation: 'GetWorkGroup', request: { WorkGroup: group.name }, discriminator: group.name }, [
        {
          WorkGroup: {
            Name: group.name,
            State: 'ENABLED',
            Configuration: {
              ResultConfiguration: { OutputLocation: `s3://nimbuscart-athena-results-${accountId}/${group.name}/` },
              EnforceWorkGroupConfiguration: group.name !== 'primary',
              PublishCloudWatchMetricsEnabled: true,
              RequesterPaysEnabled: false,
              EngineVersion: ENGINE,
              EnableMinimumEncryptionConfiguration: false,
            },
            Description: group.description,
            CreationTime: CREATED,
          },
        },
      ]);
      const ids = mine
        .filter((query) => query.workgroup === group.name)
        .sort((a, b) => b.submittedMs - a.submittedMs)
        .map((query) => query.id);
      writer.paged(
        { ...meta, operation: 'ListQueryExecutions', request: { WorkGroup: group.name }, discriminator: group.name },
        'QueryExecutionIds',
        ids,
        50,
      );
    }
    writer.pages({ ...meta, operation: 'BatchGetQueryExecution', request: {} }, [
      { QueryExecutions: mine.map(queryExecution), UnprocessedQueryExecutionIds: [] },
    ]);
  }
}

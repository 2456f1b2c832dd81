/** The Athena datasets, declared once; see ingest/aws/dataset-spec.ts. */
import { defineDataset } from '../aws/dataset-spec.js';
import { SCOPE_SNAPSHOT_PARTITIONS, scopeSnapshotColumns } from '../aws/meta-columns.js';

export const athenaWorkgroupsDataset = defineDataset({
  name: 'athena_workgroups',
  description: 'Athena ListWorkGroups + GetWorkGroup: each workgroup with its limits and enforced configuration.',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: { kind: 'snapshot' },
  columns: scopeSnapshotColumns([
    { name: 'workgroup', type: 'VARCHAR', description: 'Name' },
    { name: 'state', type: 'VARCHAR', description: 'ENABLED or DISABLED' },
    { name: 'description', type: 'VARCHAR', description: 'Description' },
    {
      name: 'bytes_scanned_cutoff_per_query',
      type: 'BIGINT',
      description: 'Configuration.BytesScannedCutoffPerQuery (the per-query data limit)',
    },
    { name: 'enforce_workgroup_configuration', type: 'BOOLEAN', description: 'Configuration.EnforceWorkGroupConfiguration' },
    { name: 'output_location', type: 'VARCHAR', description: 'Configuration.ResultConfiguration.OutputLocation' },
    {
      name: 'engine_version',
      type: 'VARCHAR',
      description: 'Configuration.EngineVersion.EffectiveEngineVersion (else the selected one)',
    },
    { name: 'creation_time', type: 'TIMESTAMP', description: 'CreationTime' },
    { name: 'raw', type: 'JSON', description: 'the WorkGroup as returned' },
  ]),
});

export const athenaQueriesDataset = defineDataset({
  name: 'athena_queries',
  description:
    'Athena query executions (ListQueryExecutions + BatchGetQueryExecution), collected incrementally per workgroup; AWS keeps 45 days.',
  partitionBy: ['account_id', 'submitted_month'],
  mode: { kind: 'merge', key: ['query_id'] },
  columns: [
    { name: 'collected_at', type: 'TIMESTAMP', description: 'when this row was fetched (run time, UTC)' },
    { name: 'account_id', type: 'VARCHAR', description: 'the consumer account (partition)' },
    { name: 'region', type: 'VARCHAR', description: 'the region' },
    { name: 'query_id', type: 'VARCHAR', description: 'QueryExecutionId (= GetDataAccess queryId in CloudTrail)' },
    { name: 'workgroup', type: 'VARCHAR', description: 'WorkGroup' },
    { name: 'state', type: 'VARCHAR', description: 'Status.State (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)' },
    { name: 'state_change_reason', type: 'VARCHAR', description: 'Status.StateChangeReason' },
    { name: 'statement_type', type: 'VARCHAR', description: 'StatementType (DDL, DML, UTILITY)' },
    { name: 'query_text', type: 'VARCHAR', description: 'Query' },
    { name: 'database', type: 'VARCHAR', description: 'QueryExecutionContext.Database' },
    { name: 'catalog', type: 'VARCHAR', description: 'QueryExecutionContext.Catalog' },
    { name: 'submitted_at', type: 'TIMESTAMP', description: 'Status.SubmissionDateTime' },
    { name: 'completed_at', type: 'TIMESTAMP', description: 'Status.CompletionDateTime' },
    { name: 'data_scanned_bytes', type: 'BIGINT', description: 'Statistics.DataScannedInBytes' },
    { name: 'engine_execution_ms', type: 'BIGINT', description: 'Statistics.EngineExecutionTimeInMillis' },
    { name: 'total_execution_ms', type: 'BIGINT', description: 'Statistics.TotalExecutionTimeInMillis' },
    { name: 'error_category', type: 'VARCHAR', description: 'Status.AthenaError.ErrorCategory (1 system, 2 user, 3 other)' },
    { name: 'error_type', type: 'VARCHAR', description: 'Status.AthenaError.ErrorType' },
    { name: 'error_message', type: 'VARCHAR', description: 'Status.AthenaError.ErrorMessage' },
    { name: 'output_location', type: 'VARCHAR', description: 'ResultConfiguration.OutputLocation' },
    { name: 'engine_version', type: 'VARCHAR', description: 'EngineVersion.EffectiveEngineVersion' },
    { name: 'submitted_month', type: 'VARCHAR', description: 'YYYY-MM of submitted_at (partition)' },
  ],
});

export const athenaDatasets = [athenaWorkgroupsDataset, athenaQueriesDataset];

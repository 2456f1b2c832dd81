/** Flattens Athena shapes into the declared columns. */
import type { QueryExecution, WorkGroup } from '@aws-sdk/client-athena';
import type { DatasetRow } from '../aws/dataset-writer.js';

export function workGroupRow(workGroup: WorkGroup): DatasetRow {
  const configuration = workGroup.Configuration;
  return {
    workgroup: workGroup.Name ?? null,
    state: workGroup.State ?? null,
    description: workGroup.Description ?? null,
    bytes_scanned_cutoff_per_query: configuration?.BytesScannedCutoffPerQuery ?? null,
    enforce_workgroup_configuration: configuration?.EnforceWorkGroupConfiguration ?? null,
    output_location: configuration?.ResultConfiguration?.OutputLocation ?? null,
    engine_version:
      configuration?.EngineVersion?.EffectiveEngineVersion ?? configuration?.EngineVersion?.SelectedEngineVersion ?? null,
    creation_time: workGroup.CreationTime ?? null,
    raw: workGroup,
  };
}

export interface QueryRowMeta {
  readonly collectedAt: Date;
  readonly account: string;
  readonly region: string;
}

export function queryRow(execution: QueryExecution, meta: QueryRowMeta): DatasetRow {
  const status = execution.Status;
  const submittedAt = status?.SubmissionDateTime ?? null;
  return {
    collected_at: meta.collectedAt,
    account_id: meta.account,
    region: meta.region,
    query_id: execution.QueryExecutionId ?? null,
    workgroup: execution.WorkGroup ?? null,
    state: status?.State ?? null,
    state_change_reason: status?.StateChangeReason ?? null,
    statement_type: execution.StatementType ?? null,
    query_text: execution.Query ?? null,
    database: execution.QueryExecutionContext?.Database ?? null,
    catalog: execution.QueryExecutionContext?.Catalog ?? null,
    submitted_at: submittedAt,
    completed_at: status?.CompletionDateTime ?? null,
    data_scanned_bytes: execution.Statistics?.DataScannedInBytes ?? null,
    engine_execution_ms: execution.Statistics?.EngineExecutionTimeInMillis ?? null,
    total_execution_ms: execution.Statistics?.TotalExecutionTimeInMillis ?? null,
    error_category: status?.AthenaError?.ErrorCategory === undefined ? null : String(status.AthenaError.ErrorCategory),
    error_type: status?.AthenaError?.ErrorType === undefined ? null : String(status.AthenaError.ErrorType),
    error_message: status?.AthenaError?.ErrorMessage ?? null,
    output_location: execution.ResultConfiguration?.OutputLocation ?? null,
    engine_version: execution.EngineVersion?.EffectiveEngineVersion ?? null,
    submitted_month: (submittedAt ?? meta.collectedAt).toISOString().slice(0, 7),
  };
}

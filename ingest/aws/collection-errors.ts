/**
 * Per-account/region failures recorded as data: one `collection_errors` row each, so a partial
 * failure is visible in the lake (and to reports) while the run goes on.
 */
import { type DatasetSpec, defineDataset } from './dataset-spec.js';

export const collectionErrorsDataset: DatasetSpec = defineDataset({
  name: 'collection_errors',
  description: 'One row per account × region (× operation) an API collector could not read in a run.',
  partitionBy: ['snapshot_date', 'source'],
  mode: { kind: 'snapshot' },
  columns: [
    { name: 'at', type: 'TIMESTAMP', description: 'when the failure happened (UTC)' },
    { name: 'source', type: 'VARCHAR', description: 'collector: lakeformation, glue, athena, cost_explorer, organizations' },
    { name: 'account_id', type: 'VARCHAR', description: 'the account being read' },
    { name: 'region', type: 'VARCHAR', description: 'the region being read' },
    {
      name: 'operation',
      type: 'VARCHAR',
      description:
        'the API operation that failed (e.g. ListPermissions), or AssumeRole; (not started) when a deadline came first',
    },
    {
      name: 'error_name',
      type: 'VARCHAR',
      description:
        'AWS error code / error class (AccessDeniedException, ThrottlingException, TimeoutError...), or a network bound: RepeatedPageToken, PageLimitExceeded, AssumeRoleDeadlineExceeded, SourceDeadlineExceeded, RunDeadlineExceeded',
    },
    { name: 'message', type: 'VARCHAR', description: 'the error message' },
    { name: 'snapshot_date', type: 'DATE', description: 'the run day (partition)' },
  ],
});

export interface CollectionErrorRow {
  readonly at: Date;
  readonly source: string;
  readonly account_id: string;
  readonly region: string;
  readonly operation: string;
  readonly error_name: string;
  readonly message: string;
}

/** Reads what failed from an SDK or meshwatch error (the operation is tagged by the client middleware). */
export function collectionErrorRow(
  source: string,
  scope: { readonly account: string; readonly region: string },
  error: unknown,
  at: Date = new Date(),
): CollectionErrorRow {
  const details = error as { name?: string; message?: string; $command?: string; Code?: string };
  return {
    at,
    source,
    account_id: scope.account,
    region: scope.region,
    operation: operationOf(error),
    error_name: details?.Code ?? details?.name ?? 'Error',
    message: String(details?.message ?? error),
  };
}

function operationOf(error: unknown): string {
  const command = (error as { $command?: string })?.$command;
  if (command) return command.replace(/Command$/, '');
  // The credential provider fails before any collector command is sent.
  const text = `${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''}`;
  return /AssumeRole|sts|credential/i.test(text) ? 'AssumeRole' : 'unknown';
}

/** Meta columns shared by the API snapshot datasets (filled in one place, by api-collector.ts). */
import type { ColumnSpec } from './dataset-spec.js';

export const SNAPSHOT_AT: ColumnSpec = {
  name: 'snapshot_at',
  type: 'TIMESTAMP',
  description: 'when the snapshot was taken (run time, UTC)',
};
export const SNAPSHOT_DATE: ColumnSpec = { name: 'snapshot_date', type: 'DATE', description: 'the snapshot day (partition)' };
export const ACCOUNT_ID: ColumnSpec = { name: 'account_id', type: 'VARCHAR', description: 'the account read (partition)' };
export const REGION: ColumnSpec = { name: 'region', type: 'VARCHAR', description: 'the region read (partition)' };

/** snapshot_at, account_id, region, then the dataset's own columns, then snapshot_date. */
export function scopeSnapshotColumns(columns: readonly ColumnSpec[]): ColumnSpec[] {
  return [SNAPSHOT_AT, ACCOUNT_ID, REGION, ...columns, SNAPSHOT_DATE];
}

export const SCOPE_SNAPSHOT_PARTITIONS = ['snapshot_date', 'account_id', 'region'] as const;

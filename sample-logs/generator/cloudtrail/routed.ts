/** A CloudTrail record with the account and region whose trail delivers it. */
import type { CloudTrailRecord } from './record.js';

export interface RoutedRecord {
  readonly accountId: string;
  readonly region: string;
  readonly atMs: number;
  readonly record: CloudTrailRecord;
}

export const route = (accountId: string, region: string, record: CloudTrailRecord, atMs: number): RoutedRecord => ({
  accountId,
  region,
  atMs,
  record,
});

/**
 * The `cloudtrail` dataset's columns, declared once: each worker's COPY (row-store.ts) casts its
 * rows to these names and types and writes them to Parquet as they are.
 * `CloudtrailRow` (normalise-record.ts) has the same keys in the same order; a test holds the two
 * together. Other rooms write SQL against these names: rename nothing without telling them.
 * The dataset declarations at the end are what the models' sources, the Athena tables and the docs
 * are derived from.
 */

import { type ColumnSpec, defineDataset } from '../aws/dataset-spec.js';

export type { ColumnSpec } from '../aws/dataset-spec.js';

const text = (name: string, description: string): ColumnSpec => ({ name, type: 'VARCHAR', description });
const flag = (name: string, description: string): ColumnSpec => ({ name, type: 'BOOLEAN', description });
const instant = (name: string, description: string): ColumnSpec => ({ name, type: 'TIMESTAMP', description });
const json = (name: string, description: string): ColumnSpec => ({ name, type: 'JSON', description });

export const CLOUDTRAIL_COLUMNS: readonly ColumnSpec[] = [
  text('event_id', 'eventID; unique per event and recipient account (the de-duplication key)'),
  instant('event_time', 'eventTime, UTC'),
  text('event_version', 'eventVersion'),
  text('event_source', 'eventSource, e.g. lakeformation.amazonaws.com'),
  text('event_name', 'eventName'),
  text('aws_region', 'awsRegion'),
  text('recipient_account_id', 'recipientAccountId as delivered'),
  text('source_ip', 'sourceIPAddress (may be a service name or "AWS Internal")'),
  text('user_agent', 'userAgent'),
  text('error_code', 'errorCode; null when the call succeeded'),
  text('error_message', 'errorMessage'),
  flag('read_only', 'readOnly, from a string or a boolean'),
  text('event_type', 'eventType (AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, ...)'),
  flag('management_event', 'managementEvent'),
  text('event_category', 'eventCategory (Management, Data, Insight)'),
  text('shared_event_id', 'sharedEventID: the same call delivered to several accounts'),
  text('request_id', 'requestID'),
  text('addendum_reason', 'addendum.reason (DELIVERY_DELAY, UPDATED_DATA, SERVICE_OUTAGE)'),
  text('principal_type', 'userIdentity.type'),
  text('principal_arn', 'userIdentity.arn'),
  text('principal_id', 'userIdentity.principalId'),
  text('principal_account_id', 'userIdentity.accountId'),
  text('principal_user_name', 'userIdentity.userName'),
  text('access_key_id', 'userIdentity.accessKeyId'),
  text('session_issuer_type', 'userIdentity.sessionContext.sessionIssuer.type'),
  text('session_issuer_arn', 'userIdentity.sessionContext.sessionIssuer.arn'),
  text('session_issuer_name', 'userIdentity.sessionContext.sessionIssuer.userName (the role name)'),
  text('session_name', 'the role session name: last segment of an assumed-role ARN'),
  instant('session_created_at', 'userIdentity.sessionContext.attributes.creationDate'),
  text('identity_center_user_id', 'userIdentity.onBehalfOf.userId'),
  text('identity_store_arn', 'userIdentity.onBehalfOf.identityStoreArn'),
  text('invoked_by', 'userIdentity.invokedBy'),
  flag('mfa_authenticated', 'userIdentity.sessionContext.attributes.mfaAuthenticated'),
  json('request_parameters', 'requestParameters'),
  json('response_elements', 'responseElements'),
  json('additional_event_data', 'additionalEventData'),
  json('resources', 'resources'),
  json('service_event_details', 'serviceEventDetails'),
  json('tls_details', 'tlsDetails'),
  json('record', 'the whole original record: nothing it held is lost'),
  text('source_object', 'the object key (or LookupEvents locator) the record came from'),
  instant('delivered_at', 'delivery time from the object key; null when unknown'),
  { name: 'event_date', type: 'DATE', description: 'partition: the UTC day of event_time' },
  text('account_id', 'partition: the recipient account (the key account when the record names none)'),
];

export const CLOUDTRAIL_COLUMN_NAMES: readonly string[] = CLOUDTRAIL_COLUMNS.map((column) => column.name);

/** The `cloudtrail_objects` dataset: one row per log object seen (the coverage mart reads it). */
export const OBJECT_COLUMNS: readonly ColumnSpec[] = [
  text('object_key', 'the S3 key (relative to the trail prefix)'),
  text('account_id', 'account from the key'),
  text('region', 'region from the key'),
  { name: 'log_date', type: 'DATE', description: 'the day in the key path' },
  instant('delivered_at', 'delivery time from the key name'),
  { name: 'size_bytes', type: 'BIGINT', description: 'object size' },
  text('etag_or_mtime', 'S3 ETag, or the local file mtime'),
  { name: 'records', type: 'BIGINT', description: 'records read' },
  { name: 'written', type: 'BIGINT', description: 'records kept in the dataset' },
  { name: 'quarantined', type: 'BIGINT', description: 'records or whole object quarantined' },
  { name: 'duplicates', type: 'BIGINT', description: 'records dropped as duplicates' },
  text('status', 'ok | quarantined | missing'),
  text('verification', 'verified | unverified | mismatch | missing'),
  text('verification_detail', 'why, in words'),
  instant('ingested_at', 'when meshwatch first read it'),
];

export const cloudtrailDataset = defineDataset({
  name: 'cloudtrail',
  description: 'Organisation CloudTrail (S3 log objects or LookupEvents): one row per event and recipient account.',
  columns: CLOUDTRAIL_COLUMNS,
  partitionBy: ['event_date', 'account_id'],
  mode: {
    kind: 'own-writer',
    summary:
      'each run adds the events of the objects it had not read; an event_id seen before is counted as a duplicate and dropped',
  },
});

export const cloudtrailObjectsDataset = defineDataset({
  name: 'cloudtrail_objects',
  description: 'One row per CloudTrail log object seen, including objects a digest names that are missing.',
  columns: OBJECT_COLUMNS,
  partitionBy: [],
  mode: {
    kind: 'own-writer',
    summary: 'one file per manifest shard (objects-<log day>.parquet), rewritten with the manifest',
  },
});

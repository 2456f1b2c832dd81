/**
 * The one DuckDB statement that turns a group of whole log objects into the `cloudtrail` dataset's
 * partitioned Parquet (native-batch.ts): read_json → unnest → json_transform → the columns of
 * CLOUDTRAIL_COLUMNS, each computed exactly as normalise-record.ts computes it for a canonical
 * record (native-eligibility.ts has already checked the bytes).
 *
 * A record without a usable eventID is keyed by its content right here (event-key.ts).
 * What SQL does not decide alone — an eventTime not of the form
 * `YYYY-MM-DDTHH:MM:SSZ` (JS also reads offsets, compact and epoch times, and quarantines others),
 * a creationDate likewise, a boolean that is neither `true` nor `false` (JS trims and lower-cases
 * strings) — makes the record *uncertain*: instead of a row it writes a marker row (its object and
 * index) to the sentinel partition `event_date=1900-01-01/account_id=uncertain`, and the worker
 * runs the JS path for those records. Every cast of a record's value is a try_cast, so an odd
 * value never fails the statement (an uncertain record's other columns are never read).
 */
import { quoteLiteral } from '../../lib/lake/duckdb.js';
import { CLOUDTRAIL_COLUMNS } from './columns.js';
import { eventKeySql } from './event-key.js';

export const UNCERTAIN_DATE = '1900-01-01';
export const UNCERTAIN_ACCOUNT = 'uncertain';
/** The sentinel partition's folder, relative to the statement's output folder. */
export const UNCERTAIN_PARTITION = `event_date=${UNCERTAIN_DATE}/account_id=${UNCERTAIN_ACCOUNT}`;

export interface NativeObject {
  /** The local file DuckDB reads. */
  readonly path: string;
  readonly sourceObject: string;
  readonly deliveredAt: string | null;
  readonly keyAccountId: string | null;
}

const V = 'VARCHAR';
const J = 'JSON';
/** What json_transform extracts: every field normaliseRecord reads, scalars as text, payloads as JSON. */
const RECORD_STRUCTURE = {
  eventID: V,
  eventTime: V,
  eventVersion: V,
  eventSource: V,
  eventName: V,
  awsRegion: V,
  recipientAccountId: V,
  sourceIPAddress: V,
  userAgent: V,
  errorCode: V,
  errorMessage: V,
  readOnly: V,
  eventType: V,
  managementEvent: V,
  eventCategory: V,
  sharedEventID: V,
  requestID: V,
  addendum: { reason: V },
  userIdentity: {
    type: V,
    arn: V,
    principalId: V,
    accountId: V,
    userName: V,
    accessKeyId: V,
    invokedBy: V,
    onBehalfOf: { userId: V, identityStoreArn: V },
    sessionContext: { sessionIssuer: { type: V, arn: V, userName: V }, attributes: { creationDate: V, mfaAuthenticated: V } },
  },
  requestParameters: J,
  responseElements: J,
  additionalEventData: J,
  resources: J,
  serviceEventDetails: J,
  tlsDetails: J,
};

/** toUtcTimestamp's fast case (ISO_UTC_SECONDS and validCalendar in normalise-record.ts) in one pattern. */
const ISO_UTC_SECONDS = String.raw`\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):\d{2}:\d{2}Z`;

/** normalise-record.ts's fast case of toUtcTimestamp: `2026-10-01T12:00:00Z` → `2026-10-01 12:00:00`. */
function utcText(value: string): string {
  return `(substr(${value}, 1, 10) || ' ' || substr(${value}, 12, 8))`;
}

/** The time, when toUtcTimestamp takes its fast case for the value (and DuckDB can cast the result), else NULL. */
function timeOf(value: string): string {
  return `CASE WHEN regexp_full_match(${value}, '${ISO_UTC_SECONDS}') THEN try_cast(${utcText(value)} AS TIMESTAMP) END`;
}

/**
 * toBoolean for the spellings SQL decides alone: a JSON boolean arrives as 'true'/'false', as does
 * the string CloudTrail writes. Any other text (`"TRUE"`, `" true"`, ...) makes the record uncertain.
 */
function certainBoolean(value: string): string {
  return `(${value} IS NULL OR ${value} IN ('true', 'false'))`;
}

const CREATION_DATE = 'r.userIdentity.sessionContext.attributes.creationDate';
const PRINCIPAL_ARN = 'r.userIdentity.arn';
const ROLE_MARKER = ':assumed-role/';

const CERTAIN = [
  'event_ts IS NOT NULL',
  `(${CREATION_DATE} IS NULL OR created_ts IS NOT NULL)`,
  certainBoolean('r.readOnly'),
  certainBoolean('r.managementEvent'),
  certainBoolean('r.userIdentity.sessionContext.attributes.mfaAuthenticated'),
].join(' AND ');

/**
 * Each column's value for a certain row, as normaliseRecord computes it (try_cast where the row's
 * certainty already guarantees the cast: DuckDB may evaluate a CASE branch for rows it discards).
 */
const CERTAIN_VALUES: Record<string, string> = {
  event_id: eventKeySql('r.eventID', 'CAST(record AS VARCHAR)'),
  event_time: 'event_ts',
  event_version: 'r.eventVersion',
  event_source: 'r.eventSource',
  event_name: 'r.eventName',
  aws_region: 'r.awsRegion',
  recipient_account_id: 'r.recipientAccountId',
  source_ip: 'r.sourceIPAddress',
  user_agent: 'r.userAgent',
  error_code: 'r.errorCode',
  error_message: 'r.errorMessage',
  read_only: `r.readOnly = 'true'`,
  event_type: 'r.eventType',
  management_event: `r.managementEvent = 'true'`,
  event_category: 'r.eventCategory',
  shared_event_id: 'r.sharedEventID',
  request_id: 'r.requestID',
  addendum_reason: 'r.addendum.reason',
  principal_type: 'r.userIdentity.type',
  principal_arn: PRINCIPAL_ARN,
  principal_id: 'r.userIdentity.principalId',
  principal_account_id: 'r.userIdentity.accountId',
  principal_user_name: 'r.userIdentity.userName',
  access_key_id: 'r.userIdentity.accessKeyId',
  session_issuer_type: 'r.userIdentity.sessionContext.sessionIssuer.type',
  session_issuer_arn: 'r.userIdentity.sessionContext.sessionIssuer.arn',
  session_issuer_name: 'r.userIdentity.sessionContext.sessionIssuer.userName',
  // sessionNameOf: the text after the last `/` following the first `:assumed-role/`, null when empty or absent.
  session_name: `CASE WHEN position('${ROLE_MARKER}' IN ${PRINCIPAL_ARN}) > 0 THEN nullif(regexp_extract(
      substr(${PRINCIPAL_ARN}, position('${ROLE_MARKER}' IN ${PRINCIPAL_ARN}) + ${ROLE_MARKER.length}), '/([^/]*)$', 1), '') END`,
  session_created_at: 'created_ts',
  identity_center_user_id: 'r.userIdentity.onBehalfOf.userId',
  identity_store_arn: 'r.userIdentity.onBehalfOf.identityStoreArn',
  invoked_by: 'r.userIdentity.invokedBy',
  mfa_authenticated: `r.userIdentity.sessionContext.attributes.mfaAuthenticated = 'true'`,
  request_parameters: 'r.requestParameters',
  response_elements: 'r.responseElements',
  additional_event_data: 'r.additionalEventData',
  resources: 'r.resources',
  service_event_details: 'r.serviceEventDetails',
  tls_details: 'r.tlsDetails',
  record: 'record',
  source_object: 'o.source_object',
  delivered_at: 'CAST(o.delivered_at AS TIMESTAMP)',
  event_date: 'CAST(event_ts AS DATE)',
  account_id: `CASE WHEN regexp_full_match(r.recipientAccountId, '\\d{12}') THEN r.recipientAccountId
      WHEN regexp_full_match(o.key_account_id, '\\d{12}') THEN o.key_account_id ELSE 'unknown' END`,
};

/** The marker row of an uncertain record: where it came from, in the sentinel partition. */
const UNCERTAIN_VALUES: Record<string, string> = {
  event_id: 'CAST(idx AS VARCHAR)',
  source_object: 'filename',
  event_date: `DATE '${UNCERTAIN_DATE}'`,
  account_id: `'${UNCERTAIN_ACCOUNT}'`,
};

/**
 * A column's expression. Only the key and partition columns depend on certainty: an uncertain
 * record's other values are whatever the certain expressions give (casts are try_casts, so nothing
 * fails), and its marker file is deleted unread but for the key columns.
 */
function columnExpression(name: string, type: string): string {
  const certain = CERTAIN_VALUES[name];
  if (certain === undefined) throw new Error(`native-batch-sql.ts: no SQL for column ${name}`);
  const uncertain = UNCERTAIN_VALUES[name];
  const value = uncertain === undefined ? certain : `CASE WHEN certain THEN ${certain} ELSE ${uncertain} END`;
  return `CAST(${value} AS ${type}) AS ${name}`;
}

const SELECT_LIST = CLOUDTRAIL_COLUMNS.map((column) => columnExpression(column.name, column.type)).join(',\n  ');

export interface NativeCopyInput {
  readonly objects: readonly NativeObject[];
  /** Folder the statement writes `event_date=…/account_id=…/part-N.parquet` under (must not exist yet). */
  readonly target: string;
  /** read_json's maximum_object_size: above the largest object's uncompressed size. */
  readonly maximumObjectSize: number;
}

/** The COPY statement (paths and origins as quoted literals; nothing else comes from input). */
export function nativeCopySql({ objects, target, maximumObjectSize }: NativeCopyInput): string {
  const files = objects.map((object) => quoteLiteral(object.path)).join(', ');
  const origins = objects
    .map((object) =>
      [object.path, object.sourceObject, object.deliveredAt, object.keyAccountId]
        .map((value) => (value === null ? 'NULL' : quoteLiteral(value)))
        .join(', '),
    )
    .map((row) => `(${row})`)
    .join(', ');
  const size = Math.trunc(maximumObjectSize);
  return `COPY (
  WITH raw AS (
    SELECT filename, generate_subscripts(Records, 1) - 1 AS idx, unnest(Records) AS record
    FROM read_json([${files}], format = 'newline_delimited', columns = {Records: 'JSON[]'}, filename = true,
      maximum_object_size = ${size})),
  parsed AS (SELECT filename, idx, record, json_transform(record, ${quoteLiteral(JSON.stringify(RECORD_STRUCTURE))}) AS r FROM raw),
  timed AS (SELECT *, ${timeOf('r.eventTime')} AS event_ts, ${timeOf(CREATION_DATE)} AS created_ts FROM parsed),
  judged AS (SELECT *, ${CERTAIN} AS certain FROM timed)
  SELECT ${SELECT_LIST}
  FROM judged JOIN (VALUES ${origins}) AS o(filename, source_object, delivered_at, key_account_id) USING (filename)
) TO ${quoteLiteral(target)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1,
  PARTITION_BY (event_date, account_id), FILENAME_PATTERN 'part-{i}')`;
}

/** Reads the uncertain records' markers: object path and record index. */
export function uncertainRecordsSql(partitionDir: string): string {
  return `SELECT source_object AS path, CAST(event_id AS INTEGER) AS idx
    FROM read_parquet(${quoteLiteral(`${partitionDir}/*.parquet`)}, hive_partitioning = false)`;
}

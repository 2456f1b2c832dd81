/**
 * One CloudTrail record → one row of the `cloudtrail` dataset.
 * Pure and allocation-light: it runs in the worker threads for every event. Never assumes a field
 * exists (records back to eventVersion 1.0 lack many); booleans arrive as strings or booleans.
 * A record without a readable `eventTime` cannot be partitioned: it is returned as a problem for
 * the quarantine instead of a row. One without a usable `eventID` is a row all the same, keyed by
 * its content where the row is written (event-key.ts).
 */
import { usableEventId } from './event-key.js';

/**
 * One row of the dataset, keys in CLOUDTRAIL_COLUMNS order (a test holds the two together). JSON
 * columns keep the record's own values (not text): a canonical record's payloads reach DuckDB as
 * the object's own bytes, and only the rare careful row serialises them (row-columns.ts).
 */
export interface CloudtrailRow {
  /** The eventID; null when the record has none (or a blank one): SQL keys the row by content (event-key.ts). */
  event_id: string | null;
  event_time: string;
  event_version: string | null;
  event_source: string | null;
  event_name: string | null;
  aws_region: string | null;
  recipient_account_id: string | null;
  source_ip: string | null;
  user_agent: string | null;
  error_code: string | null;
  error_message: string | null;
  read_only: boolean | null;
  event_type: string | null;
  management_event: boolean | null;
  event_category: string | null;
  shared_event_id: string | null;
  request_id: string | null;
  addendum_reason: string | null;
  principal_type: string | null;
  principal_arn: string | null;
  principal_id: string | null;
  principal_account_id: string | null;
  principal_user_name: string | null;
  access_key_id: string | null;
  session_issuer_type: string | null;
  session_issuer_arn: string | null;
  session_issuer_name: string | null;
  session_name: string | null;
  session_created_at: string | null;
  identity_center_user_id: string | null;
  identity_store_arn: string | null;
  invoked_by: string | null;
  mfa_authenticated: boolean | null;
  request_parameters: unknown;
  response_elements: unknown;
  additional_event_data: unknown;
  resources: unknown;
  service_event_details: unknown;
  tls_details: unknown;
  record: unknown;
  source_object: string;
  delivered_at: string | null;
  event_date: string;
  account_id: string;
}

/** Where a record came from: the object key and what the key says. */
export interface RecordOrigin {
  readonly sourceObject: string;
  /** `YYYY-MM-DD HH:MM:SS` (UTC) or null. */
  readonly deliveredAt: string | null;
  /** The account in the key; the partition when the record names no usable recipient account. */
  readonly keyAccountId: string | null;
}

export type RecordProblemReason = 'record_missing_fields' | 'invalid_event_time' | 'not_an_object';

export interface RecordProblem {
  readonly reason: RecordProblemReason;
  readonly detail: string;
}

type Json = Record<string, unknown>;

const ACCOUNT_ID = /^\d{12}$/;

export function normaliseRecord(record: unknown, origin: RecordOrigin): CloudtrailRow | RecordProblem {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { reason: 'not_an_object', detail: `a record must be a JSON object, got ${describeType(record)}` };
  }
  const r = record as Json;
  const eventId = usableEventId(scalarText(r.eventID));
  const rawTime = r.eventTime;
  if (rawTime === undefined || rawTime === null) {
    return { reason: 'record_missing_fields', detail: 'the record has no eventTime' };
  }
  const eventTime = toUtcTimestamp(rawTime);
  if (eventTime === null) {
    return { reason: 'invalid_event_time', detail: `eventTime ${JSON.stringify(rawTime)} is not a time` };
  }
  const identity = asObject(r.userIdentity);
  const sessionContext = asObject(identity?.sessionContext);
  const issuer = asObject(sessionContext?.sessionIssuer);
  const attributes = asObject(sessionContext?.attributes);
  const onBehalfOf = asObject(identity?.onBehalfOf);
  const recipient = scalarText(r.recipientAccountId);
  const principalArn = scalarText(identity?.arn);
  return {
    event_id: eventId,
    event_time: eventTime,
    event_version: scalarText(r.eventVersion),
    event_source: scalarText(r.eventSource),
    event_name: scalarText(r.eventName),
    aws_region: scalarText(r.awsRegion),
    recipient_account_id: recipient,
    source_ip: scalarText(r.sourceIPAddress),
    user_agent: scalarText(r.userAgent),
    error_code: scalarText(r.errorCode),
    error_message: scalarText(r.errorMessage),
    read_only: toBoolean(r.readOnly),
    event_type: scalarText(r.eventType),
    management_event: toBoolean(r.managementEvent),
    event_category: scalarText(r.eventCategory),
    shared_event_id: scalarText(r.sharedEventID),
    request_id: scalarText(r.requestID),
    addendum_reason: scalarText(asObject(r.addendum)?.reason),
    principal_type: scalarText(identity?.type),
    principal_arn: principalArn,
    principal_id: scalarText(identity?.principalId),
    principal_account_id: scalarText(identity?.accountId),
    principal_user_name: scalarText(identity?.userName),
    access_key_id: scalarText(identity?.accessKeyId),
    session_issuer_type: scalarText(issuer?.type),
    session_issuer_arn: scalarText(issuer?.arn),
    session_issuer_name: scalarText(issuer?.userName),
    session_name: sessionNameOf(principalArn),
    session_created_at: attributes?.creationDate == null ? null : toUtcTimestamp(attributes.creationDate),
    identity_center_user_id: scalarText(onBehalfOf?.userId),
    identity_store_arn: scalarText(onBehalfOf?.identityStoreArn),
    invoked_by: scalarText(identity?.invokedBy),
    mfa_authenticated: toBoolean(attributes?.mfaAuthenticated),
    request_parameters: r.requestParameters ?? null,
    response_elements: r.responseElements ?? null,
    additional_event_data: r.additionalEventData ?? null,
    resources: r.resources ?? null,
    service_event_details: r.serviceEventDetails ?? null,
    tls_details: r.tlsDetails ?? null,
    record,
    source_object: origin.sourceObject,
    delivered_at: origin.deliveredAt,
    event_date: eventTime.slice(0, 10),
    account_id: partitionAccount(recipient, origin.keyAccountId),
  };
}

export function isRecordProblem(value: CloudtrailRow | RecordProblem): value is RecordProblem {
  return 'reason' in value && !('event_id' in value);
}

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function scalarText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return null;
}

const COMPACT_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ISO_UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** `2025-01-21 17:49:47.000000000` (no zone: UTC, as log tools print it); JS would read it as local time. */
const SPACED_NO_ZONE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*$/;

/**
 * A CloudTrail time as `YYYY-MM-DD HH:MM:SS[.fff]` in UTC (the text DuckDB casts to TIMESTAMP), or
 * null when it is not a time. Accepts ISO (`...Z` or with an offset), the compact `20131102T010628Z`
 * and epoch seconds/milliseconds.
 */
export function toUtcTimestamp(value: unknown): string | null {
  if (typeof value === 'string') {
    // The common case, checked without building a Date: `2026-10-01T12:00:00Z`.
    if (ISO_UTC_SECONDS.test(value) && validCalendar(value)) return `${value.slice(0, 10)} ${value.slice(11, 19)}`;
    const compact = COMPACT_TIME.exec(value);
    const spaced = SPACED_NO_ZONE.exec(value);
    const text = compact
      ? `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}Z`
      : spaced
        ? `${spaced[1]}T${spaced[2]}${spaced[3] ?? ''}Z`
        : value;
    return fromMillis(Date.parse(text));
  }
  if (typeof value === 'number' && Number.isFinite(value)) return fromMillis(value < 1e11 ? value * 1000 : value);
  return null;
}

function validCalendar(iso: string): boolean {
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && Number(iso.slice(11, 13)) < 24;
}

function fromMillis(millis: number): string | null {
  if (!Number.isFinite(millis)) return null;
  const date = new Date(millis);
  const year = date.getUTCFullYear();
  if (year < 1970 || year > 9999) return null;
  const iso = date.toISOString();
  const fraction = iso.slice(20, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '000' ? '' : `.${fraction}`}`;
}

/** `arn:aws:sts::1:assumed-role/Role/session` → `session` (session names may not contain `/`). */
export function sessionNameOf(arn: string | null): string | null {
  if (arn === null) return null;
  const marker = arn.indexOf(':assumed-role/');
  if (marker < 0) return null;
  const rest = arn.slice(marker + ':assumed-role/'.length);
  const slash = rest.lastIndexOf('/');
  return slash < 0 || slash === rest.length - 1 ? null : rest.slice(slash + 1);
}

/** A path-safe partition value: the recipient account when it is a real id, else the key's, else `unknown`. */
function partitionAccount(recipient: string | null, keyAccountId: string | null): string {
  if (recipient !== null && ACCOUNT_ID.test(recipient)) return recipient;
  if (keyAccountId !== null && ACCOUNT_ID.test(keyAccountId)) return keyAccountId;
  return 'unknown';
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

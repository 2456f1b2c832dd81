import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_COLUMN_NAMES } from '../../../ingest/cloudtrail/columns.js';
import {
  isRecordProblem,
  normaliseRecord,
  sessionNameOf,
  toBoolean,
  toUtcTimestamp,
} from '../../../ingest/cloudtrail/normalise-record.js';
import { record } from './helpers.js';

const origin = {
  sourceObject: 'AWSLogs/o-x/311111111111/CloudTrail/us-east-1/2026/10/01/k.json.gz',
  deliveredAt: '2026-10-01 10:05:00',
  keyAccountId: '311111111111',
};

function asObject(row: unknown): Record<string, unknown> {
  expect(isRecordProblem(row as never)).toBe(false);
  return row as Record<string, unknown>;
}

describe('normaliseRecord', () => {
  it('maps an Identity Center assumed-role record to every identity column', () => {
    // Prepare
    const input = record({
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAX:alice@nimbuscart.example',
        arn: 'arn:aws:sts::411111111111:assumed-role/AWSReservedSSO_DataAnalyst_0123456789abcdef/alice@nimbuscart.example',
        accountId: '411111111111',
        accessKeyId: 'ASIAEXAMPLE',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: 'arn:aws:iam::411111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_0123456789abcdef',
            userName: 'AWSReservedSSO_DataAnalyst_0123456789abcdef',
          },
          attributes: { creationDate: '2026-10-01T09:00:00Z', mfaAuthenticated: 'true' },
        },
        onBehalfOf: { userId: 'u-123', identityStoreArn: 'arn:aws:identitystore::411111111111:identitystore/d-1' },
        invokedBy: 'athena.amazonaws.com',
      },
      readOnly: 'True',
      managementEvent: false,
      addendum: { reason: 'DELIVERY_DELAY' },
      sharedEventID: 'shared-1',
      tlsDetails: { tlsVersion: 'TLSv1.3' },
    });
    // Act
    const row = asObject(normaliseRecord(input, origin));
    // Assess
    expect(row).toMatchObject({
      event_id: 'e-1',
      event_time: '2026-10-01 10:00:00',
      principal_type: 'AssumedRole',
      principal_account_id: '411111111111',
      session_issuer_name: 'AWSReservedSSO_DataAnalyst_0123456789abcdef',
      session_issuer_type: 'Role',
      session_name: 'alice@nimbuscart.example',
      session_created_at: '2026-10-01 09:00:00',
      mfa_authenticated: true,
      identity_center_user_id: 'u-123',
      identity_store_arn: 'arn:aws:identitystore::411111111111:identitystore/d-1',
      invoked_by: 'athena.amazonaws.com',
      access_key_id: 'ASIAEXAMPLE',
      read_only: true,
      management_event: false,
      addendum_reason: 'DELIVERY_DELAY',
      shared_event_id: 'shared-1',
      tls_details: { tlsVersion: 'TLSv1.3' },
      request_parameters: { databaseName: 'sales_db', name: 'orders' },
      response_elements: null,
      source_object: origin.sourceObject,
      delivered_at: '2026-10-01 10:05:00',
      event_date: '2026-10-01',
      account_id: '311111111111',
    });
    expect(row.record).toBe(input);
    // The row's keys are the dataset's columns, in order (row-columns.ts maps them by name).
    expect(Object.keys(row)).toEqual(CLOUDTRAIL_COLUMN_NAMES);
  });

  it('partitions by the key account when the recipient account is not a real id', () => {
    const row = asObject(normaliseRecord(record({ recipientAccountId: 'HIDDEN' }), origin));
    expect(row.recipient_account_id).toBe('HIDDEN');
    expect(row.account_id).toBe('311111111111');
    const orphan = asObject(normaliseRecord(record({ recipientAccountId: undefined }), { ...origin, keyAccountId: null }));
    expect(orphan.account_id).toBe('unknown');
  });

  it('returns a problem for a record without eventTime, or with an unreadable time; no usable eventID is no problem', () => {
    // No eventID, or an empty or blank one: a row whose key SQL derives from its content (event-key.ts).
    for (const eventID of [undefined, null, '', '  \t'])
      expect(asObject(normaliseRecord(record({ eventID }), origin)).event_id).toBeNull();
    const missing = normaliseRecord(record({ eventTime: undefined }), origin);
    expect(isRecordProblem(missing) && missing.reason).toBe('record_missing_fields');
    const noTime = normaliseRecord(record({ eventTime: null }), origin);
    expect(isRecordProblem(noTime) && noTime.detail).toContain('eventTime');
    const badTime = normaliseRecord(record({ eventTime: 'yesterday-ish' }), origin);
    expect(isRecordProblem(badTime) && badTime.reason).toBe('invalid_event_time');
    const notObject = normaliseRecord([1, 2], origin);
    expect(isRecordProblem(notObject) && notObject.reason).toBe('not_an_object');
  });
});

describe('toUtcTimestamp', () => {
  it('reads ISO, offset, fractional, compact and epoch forms as UTC', () => {
    expect(toUtcTimestamp('2026-10-01T10:00:00Z')).toBe('2026-10-01 10:00:00');
    expect(toUtcTimestamp('2026-10-01T12:00:00+02:00')).toBe('2026-10-01 10:00:00');
    expect(toUtcTimestamp('2026-10-01T10:00:00.123Z')).toBe('2026-10-01 10:00:00.123');
    expect(toUtcTimestamp('20131102T010628Z')).toBe('2013-11-02 01:06:28');
    expect(toUtcTimestamp('2025-01-21 17:49:47.000000000')).toBe('2025-01-21 17:49:47');
    expect(toUtcTimestamp(1_790_000_000)).toBe('2026-09-21 14:13:20');
    expect(toUtcTimestamp('2026-13-45T10:00:00Z')).toBeNull();
    expect(toUtcTimestamp({})).toBeNull();
  });
});

describe('toBoolean', () => {
  it('accepts booleans and their strings in any case, and nothing else', () => {
    expect([true, 'True', 'false', 'FALSE', 'yes', 1, null].map(toBoolean)).toEqual([true, true, false, false, null, null, null]);
  });
});

describe('sessionNameOf', () => {
  it('takes the last segment of an assumed-role ARN only', () => {
    expect(sessionNameOf('arn:aws:sts::1:assumed-role/path/Role/s1')).toBe('s1');
    expect(sessionNameOf('arn:aws:iam::1:user/bob')).toBeNull();
    expect(sessionNameOf(null)).toBeNull();
  });
});

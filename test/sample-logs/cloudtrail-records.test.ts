import { describe, expect, it } from 'vitest';
import { FIELD_SINCE, versionNumber } from '../../sample-logs/generator/cloudtrail/record.js';
import { corpusRecords, readLogObjects, readTruth } from './sample-files.js';

const objects = readLogObjects();
const records = objects.flatMap((object) => (object.records ?? []).map((record) => ({ object, record })));
const truth = readTruth();
const brokenKeys = new Set(truth.bad_inputs.map((bad: { key: string }) => bad.key));

/** Fields every record has since 1.0–1.02, per the CloudTrail record-contents reference. */
const ALWAYS = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'requestID',
  'eventID',
  'eventType',
  'recipientAccountId',
];

describe('sample CloudTrail records', () => {
  it('has tens of thousands of records in objects of the org-trail layout', () => {
    expect(records.length).toBeGreaterThan(10_000);
    for (const object of objects) {
      expect(object.key).toMatch(
        /^AWSLogs\/o-n1mbusc4rt\/\d{12}\/CloudTrail\/[a-z]{2}-[a-z]+-\d\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_[a-z]{2}-[a-z]+-\d_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/,
      );
      expect(object.key).toContain(`${object.account}_CloudTrail_${object.region}_${object.day.replaceAll('-', '')}T`);
    }
  });

  it('gives each record the fields its eventVersion implies, and none newer', () => {
    const versions = new Set<string>();
    const problems: string[] = [];
    for (const { object, record } of records) {
      if (brokenKeys.has(object.key) && (!record.eventID || !record.eventTime)) continue;
      versions.add(record.eventVersion);
      const always = record.eventName === 'ConsoleLogin' ? ALWAYS.filter((field) => field !== 'requestID') : ALWAYS;
      for (const field of always) if (!(field in record)) problems.push(`${record.eventName} lacks ${field}`);
      const version = versionNumber(record.eventVersion);
      for (const [field, since] of Object.entries(FIELD_SINCE)) {
        if (version < since && field in record) problems.push(`${record.eventName} ${record.eventVersion} has ${field}`);
      }
      if (version >= FIELD_SINCE.managementEvent! && record.managementEvent !== true)
        problems.push(`${record.eventName} lacks managementEvent`);
      if (version >= FIELD_SINCE.eventCategory! && record.eventCategory !== 'Management')
        problems.push(`${record.eventName} lacks eventCategory`);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(record.eventTime))
        problems.push(`${record.eventID} eventTime ${record.eventTime}`);
    }
    expect([...new Set(problems)]).toEqual([]);
    expect([...versions].sort()).toEqual(['1.05', '1.06', '1.07', '1.08', '1.09', '1.10', '1.11']);
  });

  it('writes string booleans and null requestParameters where AWS does', () => {
    expect(records.some(({ record }) => record.readOnly === 'true')).toBe(true);
    expect(records.some(({ record }) => record.requestParameters === null)).toBe(true);
    expect(records.some(({ record }) => record.userIdentity?.sessionContext?.attributes?.mfaAuthenticated === 'false')).toBe(
      true,
    );
  });

  it('writes console sign-ins without a request id or access key, as real sign-in records are', () => {
    const logins = records.filter(({ record }) => record.eventName === 'ConsoleLogin').map(({ record }) => record);
    expect(logins.length).toBeGreaterThan(10);
    for (const login of logins) {
      expect(login).not.toHaveProperty('requestID');
      expect(login.userIdentity).not.toHaveProperty('accessKeyId');
      expect(login.responseElements).toEqual({ ConsoleLogin: 'Success' });
    }
  });

  it('uses the key sets real records of the same eventName use', (context) => {
    const corpus = corpusRecords();
    if (!corpus) {
      console.warn('SKIPPED: /work/shared/corpus (../shared/corpus) is absent; key sets not compared with real records');
      context.skip();
      return;
    }
    const realKeys = new Map<string, Set<string>>();
    const realIdentityKeys = new Map<string, Set<string>>();
    for (const real of corpus) {
      const keys = realKeys.get(real.eventName) ?? new Set<string>();
      for (const key of Object.keys(real)) keys.add(key);
      realKeys.set(real.eventName, keys);
      const identity = real.userIdentity ?? {};
      const identityKeys = realIdentityKeys.get(identity.type) ?? new Set<string>();
      for (const key of Object.keys(identity)) identityKeys.add(key);
      realIdentityKeys.set(identity.type, identityKeys);
    }
    // Fields that depend on the call (cross-account, failure, re-delivery) or the version rather than the eventName.
    const situational = new Set([
      'sharedEventID',
      'errorCode',
      'errorMessage',
      'addendum',
      'resources',
      ...Object.keys(FIELD_SINCE),
    ]);
    const compared = new Set<string>();
    for (const { record } of records) {
      const known = realKeys.get(record.eventName);
      if (!known) continue;
      compared.add(record.eventName);
      // Panther's copies of real records drop null-valued fields, so a null here proves nothing either way.
      const unexpected = Object.keys(record).filter((key) => !known.has(key) && !situational.has(key) && record[key] !== null);
      expect(unexpected, `${record.eventName} keys unknown to real records`).toEqual([]);
      const identityKnown = realIdentityKeys.get(record.userIdentity.type);
      if (identityKnown) {
        const extra = Object.keys(record.userIdentity).filter((key) => !identityKnown.has(key));
        expect(extra, `${record.userIdentity.type} identity keys`).toEqual([]);
      }
    }
    expect([...compared]).toEqual(
      expect.arrayContaining(['GetDataAccess', 'StartQueryExecution', 'GrantPermissions', 'ConsoleLogin', 'AssumeRole']),
    );
  });

  it('shapes GetDataAccess like the Lake Formation examples: Athena audit context and a producer copy', () => {
    const dataAccess = records.filter(({ record }) => record.eventName === 'GetDataAccess').map(({ record }) => record);
    expect(dataAccess.length).toBeGreaterThan(500);
    for (const record of dataAccess) {
      expect(record.requestParameters.auditContext.additionalAuditContext).toMatch(/^\{queryId: [0-9a-f-]{36}\}$/);
      expect(record.additionalEventData.requesterService).toBe('ATHENA');
      expect(record.requestParameters.tableArn).toMatch(/^arn:aws:glue:us-east-1:\d{12}:table\/[a-z_]+\/[a-z_]+$/);
    }
    const copies = dataAccess.filter((record) => record.userIdentity.type === 'AWSAccount');
    expect(copies.length).toBeGreaterThan(400);
    for (const copy of copies) {
      const original = dataAccess.find(
        (record) => record.sharedEventID === copy.sharedEventID && record.userIdentity.type !== 'AWSAccount',
      );
      expect(original, `copy ${copy.eventID} has a consumer delivery`).toBeDefined();
      expect(original!.eventID).not.toBe(copy.eventID);
      expect(original!.recipientAccountId).toBe(copy.userIdentity.accountId);
      expect(copy.recipientAccountId).toBe(copy.requestParameters.tableArn.split(':')[4]);
    }
  });

  it('plants the bad objects truth.json lists, each bad in the stated way', () => {
    const byKey = new Map(objects.map((object) => [object.key, object]));
    const reasons = truth.bad_inputs.map((bad: { reason: string }) => bad.reason).sort();
    expect(reasons).toEqual(['no_records', 'not_json', 'record_missing_fields', 'truncated_gzip']);
    for (const bad of truth.bad_inputs as { key: string; reason: string }[]) {
      const object = byKey.get(bad.key);
      expect(object, bad.key).toBeDefined();
      if (bad.reason === 'record_missing_fields') {
        expect(object!.records!.filter((record) => !record.eventID && !record.eventTime)).toHaveLength(1);
      } else {
        expect(object!.problem).toBe(bad.reason);
      }
    }
    expect(objects.filter((object) => object.problem !== null)).toHaveLength(3);
  });

  it('re-delivers the addendum event in a later object with the same eventID', () => {
    for (const { event_id } of truth.addendum_redeliveries as { event_id: string }[]) {
      const copies = records.filter(({ record }) => record.eventID === event_id);
      expect(copies).toHaveLength(2);
      const [first, later] = copies.sort((a, b) => a.object.key.localeCompare(b.object.key));
      expect(first!.record.addendum).toBeUndefined();
      expect(later!.record.addendum).toMatchObject({ reason: 'DELIVERY_DELAY', originalEventID: event_id });
      expect(later!.object.key > first!.object.key).toBe(true);
    }
  });

  it('delivers every account × region every day except the planted coverage gap', () => {
    const delivered = new Set(objects.map((object) => `${object.account}/${object.region}/${object.day}`));
    const gaps = new Set(
      (truth.coverage_gaps as { account_id: string; region: string; day: string }[]).map(
        (gap) => `${gap.account_id}/${gap.region}/${gap.day}`,
      ),
    );
    expect(gaps.size).toBe(1);
    const accounts = [...new Set(objects.map((object) => object.account))];
    expect(accounts).toHaveLength(9);
    for (const account of accounts) {
      for (const region of ['us-east-1', 'eu-west-1']) {
        for (let day = 1; day <= 30; day++) {
          const key = `${account}/${region}/2026-10-${String(day).padStart(2, '0')}`;
          expect(delivered.has(key), key).toBe(!gaps.has(key));
        }
      }
    }
  });
});

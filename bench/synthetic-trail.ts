/**
 * A small, deterministic org-trail generator: gzip `{"Records":[...]}` objects in the real key
 * layout, records shaped like real management and Lake Formation events (~1 KB each). The
 * benchmark falls back to it when the sample generator (`npm run sample`) is not available, and
 * the CloudTrail tests use it for fixtures of any size.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface SyntheticTrailOptions {
  readonly root: string;
  readonly orgId?: string;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly startDay?: string;
  readonly days: number;
  /** Objects per account × region × day. */
  readonly objectsPerDay: number;
  readonly recordsPerObject: number;
  /** Seed for the pseudo-random choices, so two runs write identical bytes. */
  readonly seed?: number;
}

export interface SyntheticTrail {
  readonly objects: number;
  readonly records: number;
  readonly keys: string[];
}

const EVENTS = [
  ['lakeformation.amazonaws.com', 'GetDataAccess', true],
  ['athena.amazonaws.com', 'StartQueryExecution', false],
  ['athena.amazonaws.com', 'GetQueryExecution', true],
  ['glue.amazonaws.com', 'GetTable', true],
  ['glue.amazonaws.com', 'UpdateTable', false],
  ['s3.amazonaws.com', 'GetBucketAcl', true],
  ['sts.amazonaws.com', 'AssumeRole', true],
] as const;

export async function writeSyntheticTrail(options: SyntheticTrailOptions): Promise<SyntheticTrail> {
  const orgId = options.orgId ?? 'o-n1mbusc4rt';
  const accounts = options.accounts ?? ['311111111111', '411111111111'];
  const regions = options.regions ?? ['us-east-1'];
  const start = Date.parse(`${options.startDay ?? '2026-10-01'}T00:00:00Z`);
  const random = seededRandom(options.seed ?? 7);
  const keys: string[] = [];
  let records = 0;
  for (let day = 0; day < options.days; day++) {
    for (const account of accounts) {
      for (const region of regions) {
        for (let object = 0; object < options.objectsPerDay; object++) {
          const deliveredMs = start + day * 86_400_000 + Math.floor(((object + 1) * 86_400_000) / (options.objectsPerDay + 1));
          const key = objectKey(orgId, account, region, deliveredMs, random);
          const batch = Array.from({ length: options.recordsPerObject }, (_, index) =>
            syntheticRecord(account, region, deliveredMs - 300_000 + index * 10, random),
          );
          records += batch.length;
          const path = join(options.root, key);
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, gzipSync(JSON.stringify({ Records: batch })));
          keys.push(key);
        }
      }
    }
  }
  return { objects: keys.length, records, keys };
}

export function objectKey(orgId: string, account: string, region: string, deliveredMs: number, random: () => number): string {
  const iso = new Date(deliveredMs).toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  const suffix = Array.from(
    { length: 16 },
    () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random() * 62)],
  ).join('');
  const path = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  return `AWSLogs/${orgId}/${account}/CloudTrail/${region}/${path}/${account}_CloudTrail_${region}_${stamp}_${suffix}.json.gz`;
}

export function syntheticRecord(account: string, region: string, timeMs: number, random: () => number): Record<string, unknown> {
  const [eventSource, eventName, readOnly] = EVENTS[Math.floor(random() * EVENTS.length)] as (typeof EVENTS)[number];
  const user = ['alice.wong', 'bob.smith', 'carol.diaz', 'etl-job'][Math.floor(random() * 4)] as string;
  const eventId = uuid(random);
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEID${Math.floor(random() * 1000)}:${user}`,
      arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_DataAnalyst_0123456789abcdef/${user}`,
      accountId: account,
      accessKeyId: `ASIA${Math.floor(random() * 1e16)
        .toString()
        .padStart(16, '0')}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEID',
          arn: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_0123456789abcdef`,
          accountId: account,
          userName: 'AWSReservedSSO_DataAnalyst_0123456789abcdef',
        },
        attributes: { creationDate: new Date(timeMs - 3_600_000).toISOString().replace('.000', ''), mfaAuthenticated: 'false' },
      },
    },
    eventTime: new Date(timeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource,
    eventName,
    awsRegion: region,
    sourceIPAddress:
      eventSource === 'lakeformation.amazonaws.com' ? 'athena.amazonaws.com' : `10.0.${Math.floor(random() * 255)}.7`,
    userAgent: 'athena.amazonaws.com',
    requestParameters: {
      tableArn: `arn:aws:glue:${region}:311111111111:table/sales_db/orders`,
      permissions: ['SELECT'],
      auditContext: { additionalAuditContext: `{queryId: ${uuid(random)}}` },
      cellLevelSecurityEnforced: true,
    },
    responseElements: null,
    additionalEventData: { requesterService: 'ATHENA', lakeFormationRoleSessionName: user },
    requestID: uuid(random),
    eventID: eventId,
    readOnly,
    resources: [
      { accountId: '311111111111', type: 'AWS::Glue::Table', ARN: `arn:aws:glue:${region}:311111111111:table/sales_db/orders` },
    ],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource}` },
  };
}

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: fast, deterministic, good enough for test data.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The S3 source over real HTTP against the fake AWS service: the SDK really lists, signs and streams. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCloudtrail } from '../../../ingest/cloudtrail/collector.js';
import { parseS3Url } from '../../../ingest/cloudtrail/s3-source.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { type FakeAws, startFakeAws } from '../../fake-aws/index.js';
import { logKey, ORG, readDataset, record, tempDir, writeObject } from './helpers.js';

const SALES = '311111111111';
const ANALYTICS = '411111111111';
let fake: FakeAws;
let trail: string;
const keys = {
  sales1: logKey(SALES, 'us-east-1', '20261001T1005Z', 'SALESONESALESON1'),
  sales2: logKey(SALES, 'us-east-1', '20261001T1010Z', 'SALESTWOSALESTW2'),
  analytics: logKey(ANALYTICS, 'us-east-1', '20261002T0805Z', 'ANALYTICSANALYT1'),
  outside: logKey(SALES, 'us-east-1', '20261005T0805Z', 'OUTSIDEOUTSIDEO1'),
};

beforeAll(async () => {
  trail = join(await tempDir('s3'), 'bucket');
  const contents: Record<string, string> = {};
  for (const [name, key] of Object.entries(keys)) {
    contents[key] = JSON.stringify({
      Records: [record({ eventID: `s3-${name}`, recipientAccountId: key.includes(ANALYTICS) ? ANALYTICS : SALES })],
    });
    await writeObject(trail, `trail/${key}`, gzipSync(contents[key] as string));
  }
  // A signed digest for the two sales objects, its signature in S3 user metadata (a sidecar the fake serves).
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const digestKey = `AWSLogs/${ORG}/${SALES}/CloudTrail-Digest/us-east-1/2026/10/01/${SALES}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20261001T110000Z.json.gz`;
  const digest = JSON.stringify({
    digestEndTime: '2026-10-01T11:00:00Z',
    digestS3Bucket: 'org-trail',
    digestS3Object: `trail/${digestKey}`,
    digestPublicKeyFingerprint: 'fp1',
    previousDigestSignature: null,
    logFiles: [keys.sales1, keys.sales2].map((key) => ({
      s3Object: `trail/${key}`,
      hashValue: createHash('sha256')
        .update(contents[key] as string)
        .digest('hex'),
    })),
  });
  const toSign = `2026-10-01T11:00:00Z\norg-trail/trail/${digestKey}\n${createHash('sha256').update(digest).digest('hex')}\nnull`;
  await writeObject(trail, `trail/${digestKey}`, gzipSync(digest));
  await writeFile(
    join(trail, 'trail', `${digestKey}.s3meta.json`),
    JSON.stringify({ Metadata: { signature: sign('sha256', Buffer.from(toSign), privateKey).toString('hex') } }),
  );
  await writeFile(
    join(trail, 'trail', 'public-keys.json'),
    JSON.stringify({
      PublicKeyList: [{ Fingerprint: 'fp1', Value: publicKey.export({ format: 'der', type: 'pkcs1' }).toString('base64') }],
    }),
  );
  fake = await startFakeAws({ buckets: { 'org-trail': trail } });
  process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEDUMMYKEY0000';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterAll(async () => {
  await fake?.close();
});

function s3Context(dir: string) {
  const logger = createMemoryLogger('normal');
  const config = parseConfig(
    [
      `lake: ${join(dir, 'lake')}`,
      'regions: [us-east-1]',
      'organization:',
      `  id: ${ORG}`,
      '  accounts:',
      '    - { id: "200000000002", name: log-archive, domain: platform, kind: log-archive }',
      'aws:',
      `  endpoint: ${fake.endpoint}`,
      '  max_attempts: 2',
      'sources:',
      '  cloudtrail: { s3: "s3://org-trail/trail", workers: 2 }',
    ].join('\n'),
    join(dir, 'meshwatch.config.yaml'),
  );
  return Object.assign(createContext(config, logger), { lines: logger.lines });
}

describe('parseS3Url', () => {
  it('splits bucket and prefix, with the prefix ending in a slash', () => {
    expect(parseS3Url('s3://org-trail/trail')).toEqual({ bucket: 'org-trail', prefix: 'trail/' });
    expect(parseS3Url('s3://org-trail')).toEqual({ bucket: 'org-trail', prefix: '' });
  });
});

describe('the cloudtrail collector on an S3 bucket', () => {
  it('lists only the days, accounts and regions of the window, verifies digests from object metadata, and re-reads nothing', async () => {
    // Prepare
    const ctx = s3Context(await tempDir('s3-lake'));
    const window = { since: new Date('2026-10-01T00:00:00Z'), until: new Date('2026-10-03T00:00:00Z') };

    // Act
    const result = await collectCloudtrail(ctx, window);
    const listings = fake.requestsFor('ListObjectsV2').map((request) => request.params);
    const gets = fake.requestsFor('GetObject').length;
    fake.reset();
    const rerun = await collectCloudtrail(ctx, window);

    // Assess
    expect((await readDataset(ctx.layout.root, 'event_id, source_object')).map((row) => row.event_id)).toEqual([
      's3-analytics',
      's3-sales1',
      's3-sales2',
    ]);
    const prefixes = listings.map((params) => String(params.prefix ?? params.Prefix));
    expect(prefixes).toContain(`trail/AWSLogs/${ORG}/${SALES}/CloudTrail/us-east-1/2026/10/01/`);
    expect(prefixes).toContain(`trail/AWSLogs/${ORG}/${ANALYTICS}/CloudTrail/us-east-1/2026/10/02/`);
    expect(prefixes.some((prefix) => prefix.includes('/2026/10/05/'))).toBe(false);
    expect(gets).toBeGreaterThanOrEqual(3);
    const objects = await readDataset(ctx.layout.root, 'object_key, verification', 'cloudtrail_objects');
    expect(objects).toEqual(
      [
        { object_key: keys.sales1, verification: 'verified' },
        { object_key: keys.sales2, verification: 'verified' },
        { object_key: keys.analytics, verification: 'unverified' },
      ].sort((a, b) => (a.object_key < b.object_key ? -1 : 1)),
    );
    expect(result.notes[0]).toContain('3 new objects of 3 listed');
    expect(rerun.notes[0]).toContain('0 new objects of 3 listed');
    expect(fake.requestsFor('GetObject')).toEqual([]);
  });
});

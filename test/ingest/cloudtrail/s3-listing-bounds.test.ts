/**
 * Issue #24 for the org-trail bucket: the S3 ListObjectsV2 listing goes through the paging guard
 * and the S3 client has request timeouts, so a bucket (or proxy) that repeats its continuation
 * token or never answers ends the cloudtrail source in bounded time, with the events of an earlier
 * run left as they were. Over real HTTP against the fake AWS service.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../../../ingest/index.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { CollectorError } from '../../../lib/errors.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { type FakeAws, startFakeAws } from '../../fake-aws/index.js';
import { logKey, ORG, readDataset, record, tempDir, writeObject } from './helpers.js';

const SALES = '311111111111';
let fake: FakeAws;

beforeAll(async () => {
  const trail = join(await tempDir('s3-bounds'), 'bucket');
  await writeObject(trail, `trail/${logKey(SALES, 'us-east-1', '20261001T1005Z')}`, {
    Records: [record({ eventID: 'earlier-event', recipientAccountId: SALES })],
  });
  fake = await startFakeAws({ buckets: { 'org-trail': trail } });
  process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEDUMMYKEY0000';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterAll(async () => fake?.close());
beforeEach(() => fake.reset());

async function lakeWithEarlierRun() {
  const dir = await tempDir('s3-bounds-lake');
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
      'network: { connect_timeout_ms: 300, request_timeout_ms: 300 }',
      'sources:',
      '  cloudtrail: { s3: "s3://org-trail/trail", workers: 1, verify_digests: false }',
    ].join('\n'),
    join(dir, 'meshwatch.config.yaml'),
  );
  const ctx = Object.assign(createContext(config, logger), { lines: logger.lines });
  await collect(ctx, { only: ['cloudtrail'] });
  const earlier = await readDataset(ctx.layout.root, 'event_id');
  expect(earlier).toEqual([{ event_id: 'earlier-event' }]);
  fake.reset();
  return { ctx, earlier };
}

describe('the org-trail bucket listing is bounded', () => {
  it('a bucket that repeats its continuation token ends the source', { timeout: 60_000 }, async () => {
    const { ctx, earlier } = await lakeWithEarlierRun();
    fake.inject({ operation: 'ListObjectsV2', kind: 'repeat-token', count: Number.POSITIVE_INFINITY });
    const started = performance.now();
    const error = await collect(ctx, { only: ['cloudtrail'] }).catch((caught) => caught);
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(error).toBeInstanceOf(CollectorError);
    // The first listing asked twice (the page, the page again with the same token), then stopped.
    expect(fake.requestsFor('ListObjectsV2')).toHaveLength(2);
    expect(ctx.lines.join('\n')).toContain('ListObjectsV2 answered page 2 with a paging token it had already sent');
    expect(await readDataset(ctx.layout.root, 'event_id')).toEqual(earlier);
  });

  it('a bucket that never answers times out after network.request_timeout_ms per attempt', { timeout: 60_000 }, async () => {
    const { ctx, earlier } = await lakeWithEarlierRun();
    fake.inject({ operation: 'ListObjectsV2', kind: 'no-answer', count: Number.POSITIVE_INFINITY });
    const started = performance.now();
    const error = await collect(ctx, { only: ['cloudtrail'] }).catch((caught) => caught);
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(error).toBeInstanceOf(CollectorError);
    expect(fake.requestsFor('ListObjectsV2')).toHaveLength(2);
    expect(ctx.lines.join('\n')).toContain('TimeoutError');
    expect(await readDataset(ctx.layout.root, 'event_id')).toEqual(earlier);
  });
});

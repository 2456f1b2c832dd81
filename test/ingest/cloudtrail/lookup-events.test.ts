/** LookupEvents over real HTTP against the fake AWS service: paging, rate limit, checkpoint resume. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLookupEvents } from '../../../ingest/cloudtrail/lookup-events.js';
import { createTokenBucket } from '../../../ingest/cloudtrail/token-bucket.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { type FakeAws, startFakeAws } from '../../fake-aws/index.js';
import { ORG, readDataset, readQuarantine, record, tempDir } from './helpers.js';

const ACCOUNT = '322222222222';
let fake: FakeAws;

/** 3 pages of 50 events; page 3 also holds an event that is not JSON. */
function page(token: string | undefined): Record<string, unknown> {
  const number = token ? Number(token.slice('page-'.length)) : 1;
  const Events = Array.from({ length: 50 }, (_, index) => {
    const id = `lookup-${number}-${index}`;
    return {
      EventId: id,
      EventTime: 1790000000,
      CloudTrailEvent: JSON.stringify(
        record({ eventID: id, eventTime: `2026-10-0${number}T10:00:00Z`, recipientAccountId: ACCOUNT }),
      ),
    };
  });
  if (number === 3) Events.push({ EventId: 'broken', EventTime: 1790000000, CloudTrailEvent: '{"eventID": "broken", ' });
  return { Events, ...(number < 3 ? { NextToken: `page-${number + 1}` } : {}) };
}

beforeAll(async () => {
  fake = await startFakeAws({ buckets: {} });
  process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEDUMMYKEY0000';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterAll(async () => {
  await fake?.close();
});

function lookupContext(dir: string) {
  const logger = createMemoryLogger('normal');
  const config = parseConfig(
    [
      `lake: ${join(dir, 'lake')}`,
      'now: 2026-10-31T00:00:00Z',
      'regions: [us-east-1]',
      `organization: { id: ${ORG} }`,
      `aws: { endpoint: "${fake.endpoint}", max_attempts: 1 }`,
      `sources: { cloudtrail: { lookup_events: { accounts: ["${ACCOUNT}"], days: 30 } } }`,
    ].join('\n'),
    join(dir, 'meshwatch.config.yaml'),
  );
  return Object.assign(createContext(config, logger), { lines: logger.lines });
}

describe('collectLookupEvents', () => {
  it('pages with NextToken at most 2 requests/s, resumes from the checkpoint after a failure, and ingests every event once', async () => {
    // Prepare: the second request fails (HTTP 500, no retry with max_attempts 1).
    const dir = await tempDir('lookup');
    const ctx = lookupContext(dir);
    const lookup = ctx.config.sources.cloudtrail?.lookup_events as NonNullable<
      NonNullable<typeof ctx.config.sources.cloudtrail>['lookup_events']
    >;
    let calls = 0;
    fake.respond({
      operation: 'LookupEvents',
      answer: (params) => {
        calls++;
        if (calls === 2) throw new Error('the service failed');
        return page(params.NextToken as string | undefined);
      },
    });

    // Act: the first run stops at page 2, the second resumes there.
    const first = await collectLookupEvents(ctx, lookup, {}, { workers: 2 });
    const checkpoint = JSON.parse(await readFile(ctx.layout.statePath('cloudtrail', 'lookup-events.json'), 'utf8'));
    const second = await collectLookupEvents(ctx, lookup, {}, { workers: 2 });

    // Assess
    expect(first.failures).toHaveLength(1);
    expect(checkpoint[`${ACCOUNT}/us-east-1`].pass.nextToken).toBe('page-2');
    const requests = fake.requestsFor('LookupEvents');
    expect(requests.map((request) => request.params.NextToken ?? null)).toEqual([null, 'page-2', 'page-2', 'page-3']);
    expect(requests.every((request) => request.account === ACCOUNT && request.params.MaxResults === 50)).toBe(true);
    const start = Date.parse(String(requests[0]?.params.StartTime ?? '')) || Number(requests[0]?.params.StartTime) * 1000;
    expect(new Date(start).toISOString()).toBe('2026-10-01T00:00:00.000Z');
    // Measured where requests arrive, the spacing holds once a run's client is warm: the second run's
    // two requests. (A run's first request also pays connection set-up after taking its token, and
    // each run starts with a full bucket; the exact spacing is asserted in token-bucket.test.ts.)
    const at = (index: number) => (requests[index] as { at: Date }).at.getTime();
    expect(at(3) - at(2)).toBeGreaterThanOrEqual(450);
    expect(second.failures).toEqual([]);
    const rows = await readDataset(ctx.layout.root, 'event_id, account_id');
    expect(rows).toHaveLength(150);
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(150);
    expect(rows.every((row) => row.account_id === ACCOUNT)).toBe(true);
    expect((await readQuarantine(ctx.layout.root)).map((entry) => entry.reason)).toEqual(['record_missing_fields']);
    const after = JSON.parse(await readFile(ctx.layout.statePath('cloudtrail', 'lookup-events.json'), 'utf8'));
    expect(after[`${ACCOUNT}/us-east-1`]).toEqual({ completeUntil: '2026-10-31T00:00:00.000Z' });
  });
});

describe('createTokenBucket', () => {
  it('spaces takes at the rate once the burst is spent', async () => {
    // Prepare
    let clock = 0;
    const slept: number[] = [];
    const bucket = createTokenBucket({
      ratePerSecond: 2,
      capacity: 1,
      now: () => clock,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    });
    // Act
    for (let index = 0; index < 4; index++) await bucket.take();
    // Assess
    expect(slept).toEqual([500, 500, 500]);
    expect(clock).toBe(1500);
  });
});

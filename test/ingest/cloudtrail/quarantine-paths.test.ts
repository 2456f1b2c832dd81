/**
 * Issue 24: an object key chosen by whoever may write to the trail bucket must not steer where
 * meshwatch writes or reads. The attack key climbs out of its day folder with twenty `..` segments
 * and names `some/other/dir/...`; its content is not gzip, so it used to be quarantined — with the
 * attacker's bytes — at `<quarantine>/objects/<key>`, i.e. outside the lake. The lakes below sit
 * deep enough in the test's temp folder that twenty `..` land inside it, so a write outside the
 * lake is seen (and nothing is written above the temp folder).
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCloudtrail } from '../../../ingest/cloudtrail/collector.js';
import { localTrailSource } from '../../../ingest/cloudtrail/local-source.js';
import { parseObjectKey } from '../../../ingest/cloudtrail/object-key.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { CollectorError } from '../../../lib/errors.js';
import { listFiles } from '../../../lib/lake/atomic.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { type FakeAws, startFakeAws } from '../../fake-aws/index.js';
import { contextFor, readDataset, readQuarantine, record, tempDir, writeObject } from './helpers.js';

const ACCOUNT = '311111111111';
const DAY_FOLDER = `AWSLogs/o-x/${ACCOUNT}/CloudTrail/us-east-1/2026/10/02/`;
const ATTACK_KEY =
  DAY_FOLDER +
  '../'.repeat(20) +
  `some/other/dir/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/10/02/${ACCOUNT}_CloudTrail_us-east-1_20261002T0000Z_pwn.json.gz`;
const GOOD_KEY = `${DAY_FOLDER}${ACCOUNT}_CloudTrail_us-east-1_20261002T0005Z_GOODGOODGOODGOOD.json.gz`;
const ATTACKER_BYTES = 'not gzip: attacker-controlled bytes\n';
const WINDOW = { since: new Date('2026-10-02T00:00:00Z'), until: new Date('2026-10-04T00:00:00Z') };

/** A folder `depth` levels below `base` (so that `..` × 20 from below it stays inside `base`). */
function nested(base: string, depth: number, leaf: string): string {
  return join(base, ...Array.from({ length: depth }, (_, index) => `d${index}`), leaf);
}

/** Files under `root` that are not under one of `allowed` (folders). */
async function filesOutside(root: string, allowed: string[]): Promise<string[]> {
  return (await listFiles(root))
    .filter((file) => !allowed.some((dir) => file === dir || file.startsWith(`${dir}${sep}`)))
    .map((file) => relative(root, file));
}

describe('the attack key of issue 24 through the S3 source (fake AWS over HTTP)', () => {
  let fake: FakeAws;
  let base: string;
  let bucket: string;

  beforeAll(async () => {
    base = await tempDir('attack-s3');
    bucket = join(base, 'bucket');
    await writeObject(bucket, `trail/${GOOD_KEY}`, {
      Records: [record({ eventID: 'good-1', eventTime: '2026-10-02T00:01:00Z' })],
    });
    fake = await startFakeAws({
      buckets: { 'org-trail': bucket },
      objects: { 'org-trail': { [`trail/${ATTACK_KEY}`]: ATTACKER_BYTES } },
    });
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEDUMMYKEY0000';
    process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('quarantines the object unread with the reason, writes nothing outside the lake, and ingests the rest', async () => {
    // Prepare: 9 key folders + 20 ".." climb 11 above the day folder: 8 above `lake/`, 6 above `lake/_tmp/...`.
    const lake = nested(base, 9, 'lake');
    const logger = createMemoryLogger('normal');
    const config = parseConfig(
      [
        `lake: ${lake}`,
        'regions: [us-east-1]',
        'organization:',
        '  id: o-n1mbusc4rt',
        '  accounts:',
        '    - { id: "200000000002", name: log-archive, domain: platform, kind: log-archive }',
        'aws:',
        `  endpoint: ${fake.endpoint}`,
        '  max_attempts: 2',
        'sources:',
        '  cloudtrail: { s3: "s3://org-trail/trail", workers: 1, verify_digests: false }',
      ].join('\n'),
      join(base, 'meshwatch.config.yaml'),
    );
    const ctx = createContext(config, logger);

    // Act
    const result = await collectCloudtrail(ctx, WINDOW);

    // Assess
    expect(await filesOutside(base, [lake, bucket])).toEqual([]);
    expect(fake.requestsFor('GetObject').map((request) => request.params.Key)).toEqual([`trail/${GOOD_KEY}`]);
    const quarantine = await readQuarantine(lake);
    expect(quarantine).toEqual([expect.objectContaining({ key: ATTACK_KEY, reason: 'unsafe_key' })]);
    expect(String(quarantine[0]?.detail)).toContain('".." segment');
    expect((await readDataset(lake, 'event_id')).map((row) => row.event_id)).toEqual(['good-1']);
    expect(result.notes.join('\n')).toContain('1 objects refused unread');
    expect(result.warnings).toBeGreaterThanOrEqual(1);
  });
});

describe('the local source', () => {
  it('refuses to read, hand out or find the attack key, though a file sits where its ".." segments lead', async () => {
    // Prepare: from the day folder, 20 ".." climb 11 levels above the trail root: to `base`.
    const base = await tempDir('attack-local');
    const trail = nested(base, 10, 'trail');
    await mkdir(join(trail, DAY_FOLDER), { recursive: true });
    const target = join(base, ATTACK_KEY.slice(ATTACK_KEY.indexOf('some/other/dir/')));
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, ATTACKER_BYTES);
    const source = localTrailSource(trail);

    // Act
    const attempts = await Promise.allSettled([source.read(ATTACK_KEY), source.input({ key: ATTACK_KEY, size: 0, version: '' })]);

    // Assess
    for (const attempt of attempts) {
      expect(attempt.status).toBe('rejected');
      const error = (attempt as PromiseRejectedResult).reason as CollectorError;
      expect(error).toBeInstanceOf(CollectorError);
      expect(error.context.reason).toBe('parent-segment');
    }
    expect(await source.exists(ATTACK_KEY)).toBe(false);
    expect(parseObjectKey(ATTACK_KEY)).toBeNull();
  });

  it('quarantines symlinks that lead out of the trail copy (a file and a day folder) instead of reading them', async () => {
    // Prepare
    const base = await tempDir('symlinks');
    const trail = join(base, 'trail');
    const outside = join(base, 'outside');
    const day = (date: string) => `AWSLogs/o-n1mbusc4rt/${ACCOUNT}/CloudTrail/us-east-1/${date}`;
    const name = (stamp: string, suffix: string) => `${ACCOUNT}_CloudTrail_us-east-1_${stamp}_${suffix}.json.gz`;
    await writeObject(trail, `${day('2026/10/02')}/${name('20261002T0005Z', 'GOODGOODGOODGOOD')}`, {
      Records: [record({ eventID: 'inside-1', eventTime: '2026-10-02T00:01:00Z' })],
    });
    await mkdir(join(outside, 'day'), { recursive: true });
    await writeFile(
      join(outside, 'secret.json.gz'),
      gzipSync(JSON.stringify({ Records: [record({ eventID: 'outside-file' })] })),
    );
    await writeFile(
      join(outside, 'day', name('20261003T0005Z', 'OUTSIDEDAYOUTSID')),
      gzipSync(JSON.stringify({ Records: [record({ eventID: 'outside-day', eventTime: '2026-10-03T00:01:00Z' })] })),
    );
    const linkedFile = `${day('2026/10/02')}/${name('20261002T0010Z', 'LINKLINKLINKLINK')}`;
    await symlink(join(outside, 'secret.json.gz'), join(trail, linkedFile));
    await mkdir(join(trail, day('2026/10')), { recursive: true });
    await symlink(join(outside, 'day'), join(trail, day('2026/10/03')));
    const dir = await tempDir('symlinks-lake');
    const ctx = contextFor(dir, { path: trail, workers: 1, verify_digests: false });

    // Act
    const result = await collectCloudtrail(ctx, WINDOW);
    const rerun = await collectCloudtrail(ctx, WINDOW);

    // Assess
    expect((await readDataset(ctx.layout.root, 'event_id')).map((row) => row.event_id)).toEqual(['inside-1']);
    const refused = (await readQuarantine(ctx.layout.root)).map((entry) => [entry.key, entry.reason]);
    const once = [
      [linkedFile, 'symlink_outside_trail'],
      [`${day('2026/10/03')}/`, 'symlink_outside_trail'],
    ];
    // Refused again (and counted) on the re-run: the link is still there.
    expect(refused.sort()).toEqual([...once, ...once].sort());
    expect(result.notes.join('\n')).toContain('2 objects refused unread');
    expect(rerun.warnings).toBeGreaterThanOrEqual(2);
    expect(await readFile(join(outside, 'secret.json.gz'))).toBeTruthy();
  });
});

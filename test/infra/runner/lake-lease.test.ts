import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_HELD_EXIT_CODE, leaseSettingsFrom, runWithLake } from '../../../infra/runner/entrypoint.js';
import { acquireLease, LEASE_KEY, type LeaseClock, type LeaseRecord } from '../../../infra/runner/lake-lease.js';
import { folderObjectStore, push } from '../../../infra/runner/lake-sync.js';
import { type ObjectStore, s3ObjectStore } from '../../../infra/runner/object-store.js';
import { type FakeAws, fakeAwsClientConfig, startFakeAws } from '../../fake-aws/index.js';

/** A clock the test moves by hand; sleeping advances it. */
function manualClock(start = Date.parse('2026-10-31T05:30:00Z')): LeaseClock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

const MINUTE = 60_000;
const settings = { ttlMs: 15 * MINUTE, waitMs: 0, pollMs: 15_000 };
const collect = { task: 'task/collect', command: 'collect' };
const run = { task: 'task/run', command: 'run' };

async function leaseIn(store: ObjectStore): Promise<LeaseRecord | undefined> {
  const body = await store.get(LEASE_KEY);
  return body ? (JSON.parse(new TextDecoder().decode(body)) as LeaseRecord) : undefined;
}

describe('acquireLease (folder store)', () => {
  let bucket: string;
  let store: ObjectStore;

  beforeEach(async () => {
    bucket = await mkdtemp(join(tmpdir(), 'meshwatch-lease-'));
    store = folderObjectStore(bucket);
  });

  it('gives the lake to one runner and tells the next who holds it and until when', async () => {
    // Prepare
    const clock = manualClock();

    // Act
    const first = await acquireLease(store, run, settings, clock);
    const second = await acquireLease(store, collect, settings, clock);

    // Assess
    expect(first.acquired).toBe(true);
    expect(second).toEqual({ acquired: false, heldBy: expect.objectContaining({ command: 'run' }), waitedMs: 0 });
    expect(await leaseIn(store)).toMatchObject({
      task: 'task/run',
      command: 'run',
      acquired_at: '2026-10-31T05:30:00.000Z',
      expires_at: '2026-10-31T05:45:00.000Z',
    });
  });

  it('waits for a held lease up to the configured bound, then gives up', async () => {
    // Prepare
    const clock = manualClock();
    await acquireLease(store, run, settings, clock);

    // Act
    const attempt = await acquireLease(store, collect, { ...settings, waitMs: 2 * MINUTE }, clock);

    // Assess: it looked every 15 s for 2 minutes (the held lease had 15 minutes left)
    expect(attempt).toMatchObject({ acquired: false, waitedMs: 2 * MINUTE });
  });

  it('gets the lease while waiting once the holder releases it', async () => {
    // Prepare: the holder releases on the waiter's third look
    const clock = manualClock();
    const holder = await acquireLease(store, run, settings, clock);
    let looks = 0;
    const releasingClock: LeaseClock = {
      now: clock.now,
      sleep: async (ms) => {
        clock.advance(ms);
        looks += 1;
        if (looks === 3 && holder.acquired) await holder.lease.release();
      },
    };

    // Act
    const attempt = await acquireLease(store, collect, { ...settings, waitMs: 10 * MINUTE }, releasingClock);

    // Assess
    expect(attempt.acquired).toBe(true);
    expect(attempt.acquired && attempt.tookOverFrom).toBeUndefined();
    expect(await leaseIn(store)).toMatchObject({ command: 'collect' });
  });

  it('takes over an expired lease, and the old holder then can neither renew, push nor release it', async () => {
    // Prepare: the collect task took the lease, then stopped renewing (it hung or died)
    const clock = manualClock();
    const stale = await acquireLease(store, collect, settings, clock);
    if (!stale.acquired) throw new Error('expected the first lease');
    clock.advance(16 * MINUTE);

    // Act
    const fresh = await acquireLease(store, run, settings, clock);
    const renewed = await stale.lease.renew();
    const pushing = push(store, await mkdtemp(join(tmpdir(), 'meshwatch-stale-lake-')), {
      beforeWrite: () => stale.lease.assertHeld(),
    });
    const released = await stale.lease.release();

    // Assess
    expect(fresh).toMatchObject({ acquired: true, tookOverFrom: expect.objectContaining({ command: 'collect' }) });
    expect(renewed).toBe(false);
    await expect(pushing).rejects.toThrow(/lost the lake lease/);
    expect(released).toBe('not-ours');
    expect(await leaseIn(store)).toMatchObject({ command: 'run' });
    expect(await store.get('_sync/manifest.json')).toBeUndefined();
  });

  it('renews its own lease past expiry when nobody took it over, and releases only its own version', async () => {
    // Prepare
    const clock = manualClock();
    const attempt = await acquireLease(store, run, settings, clock);
    if (!attempt.acquired) throw new Error('expected the lease');
    clock.advance(20 * MINUTE);

    // Act
    const lostWhileExpired = attempt.lease.lost;
    const renewed = await attempt.lease.renew();
    const released = await attempt.lease.release();

    // Assess
    expect(lostWhileExpired).toBe(true);
    expect(renewed).toBe(true);
    expect(attempt.lease.record.expires_at).toBe('2026-10-31T06:05:00.000Z');
    expect(released).toBe('released');
    expect(await store.get(LEASE_KEY)).toBeUndefined();
  });

  it('treats an unreadable lease object as expired and takes it over', async () => {
    // Prepare
    await mkdir(join(bucket, '_sync'), { recursive: true });
    await writeFile(join(bucket, '_sync', 'lease.json'), '{"holder": "trunc');

    // Act
    const attempt = await acquireLease(store, run, settings, manualClock());

    // Assess
    expect(attempt).toMatchObject({ acquired: true, tookOverFrom: undefined });
    expect(await leaseIn(store)).toMatchObject({ command: 'run' });
  });
});

describe('lease settings from the task environment', () => {
  it('reads the seconds the pipeline stack sets and refuses nonsense with the variable named', () => {
    expect(leaseSettingsFrom({ MESHWATCH_LEASE_TTL_SECONDS: '600', MESHWATCH_LEASE_WAIT_SECONDS: '1800' })).toEqual({
      ttlMs: 600_000,
      waitMs: 1_800_000,
      pollMs: 15_000,
    });
    expect(leaseSettingsFrom({})).toEqual({ ttlMs: 900_000, waitMs: 0, pollMs: 15_000 });
    expect(() => leaseSettingsFrom({ MESHWATCH_LEASE_TTL_SECONDS: '5' })).toThrow(
      /MESHWATCH_LEASE_TTL_SECONDS must be at least 60/,
    );
    expect(() => leaseSettingsFrom({ MESHWATCH_LEASE_WAIT_SECONDS: 'soon' })).toThrow(/MESHWATCH_LEASE_WAIT_SECONDS/);
  });
});

describe('runWithLake under the lease, over HTTP against the fake S3', () => {
  let fake: FakeAws;
  let root: string;
  let bucketDir: string;
  let s3: S3Client;
  const lakeUrl = 's3://meshwatch-lake/';
  const lakeStore = () => s3ObjectStore(s3, { bucket: 'meshwatch-lake', prefix: '' });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'meshwatch-lease-http-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    bucketDir = await mkdtemp(join(root, 'bucket-'));
    fake = await startFakeAws({ sampleDir: root, buckets: { 'meshwatch-lake': bucketDir } });
    s3 = new S3Client({ ...fakeAwsClientConfig(fake), maxAttempts: 1 });
  });

  afterEach(async () => {
    s3.destroy();
    await fake.close();
  });

  /** Resolves once some runner has written the lease object (bounded: 5 s). */
  async function leaseTaken(): Promise<void> {
    for (let waited = 0; waited < 5000; waited += 10) {
      if (await lakeStore().get(LEASE_KEY)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no runner took the lease within 5 s');
  }

  /** A scheduled task: its own empty disk, the lake bucket over HTTP, a meshwatch stand-in that writes one file. */
  function task(name: string, work: () => Promise<void>, lease = settings) {
    const lines: string[] = [];
    const disk = join(root, `disk-${name}-${Math.random().toString(36).slice(2)}`);
    const env = {
      lakeUrl,
      storeFor: lakeStore,
      report: (line: string) => lines.push(line),
      lease,
      task: `arn:aws:ecs:us-east-1:200000000003:task/meshwatch/${name}`,
      run: async (args: string[]) => {
        await work();
        await mkdir(join(disk, 'raw'), { recursive: true });
        await writeFile(join(disk, 'raw', `${name}.parquet`), `rows from ${name} (${args.join(' ')})`);
        return 0;
      },
    };
    return { lines, disk, start: () => runWithLake(['--lake', disk, name], env) };
  }

  it('lets one of two overlapping runners push; the other skips with exit 75 and pushes nothing', async () => {
    // Prepare: the run task works until the collect task has given up
    let collectDone: () => void = () => undefined;
    const collectFinished = new Promise<void>((resolve) => {
      collectDone = resolve;
    });
    const runTask = task('run', () => collectFinished);
    const collectTask = task('collect', async () => undefined);

    // Act
    const running = runTask.start();
    await leaseTaken();
    const collectCode = await collectTask.start();
    collectDone();
    const runCode = await running;

    // Assess
    expect(runCode).toBe(0);
    expect(collectCode).toBe(LEASE_HELD_EXIT_CODE);
    expect(collectTask.lines.join('\n')).toMatch(/leased to run \(arn:aws:ecs:.*task\/meshwatch\/run.*collect skipped/);
    expect(await readFile(join(bucketDir, 'raw', 'run.parquet'), 'utf8')).toBe(`rows from run (--lake ${runTask.disk} run)`);
    await expect(readFile(join(bucketDir, 'raw', 'collect.parquet'))).rejects.toThrow(/ENOENT/);
    await expect(readFile(join(bucketDir, '_sync', 'lease.json'))).rejects.toThrow(/ENOENT/); // released
    expect(fake.requestsFor('PutObject').filter((request) => request.params.Key === LEASE_KEY).length).toBeGreaterThan(1);
  });

  it('races two runners starting at the same instant: exactly one pushes', async () => {
    // Prepare: both hold on until both have got past acquiring
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tasks = [task('first', () => gate), task('second', () => gate)];

    // Act
    const codes = tasks.map((candidate) => candidate.start());
    const settled = await Promise.race([
      Promise.any(codes.map(async (code) => ((await code) === LEASE_HELD_EXIT_CODE ? 'one skipped' : Promise.reject()))),
      new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000)),
    ]);
    release();
    const results = await Promise.all(codes);

    // Assess
    expect(settled).toBe('one skipped');
    expect(results.sort()).toEqual([0, LEASE_HELD_EXIT_CODE]);
    const pushed = await Promise.allSettled(
      ['first', 'second'].map((name) => readFile(join(bucketDir, 'raw', `${name}.parquet`), 'utf8')),
    );
    expect(pushed.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('waits for the holder when told to, then pulls its work and adds its own', async () => {
    // Prepare
    const holder = task('collect', () => new Promise((resolve) => setTimeout(resolve, 300)));
    const waiter = task('run', async () => undefined, { ...settings, waitMs: 10_000, pollMs: 50 });

    // Act
    const holding = holder.start();
    await leaseTaken();
    const [holderCode, waiterCode] = await Promise.all([holding, waiter.start()]);

    // Assess
    expect([holderCode, waiterCode]).toEqual([0, 0]);
    expect(await readFile(join(waiter.disk, 'raw', 'collect.parquet'), 'utf8')).toMatch(/rows from collect/);
    expect(await readFile(join(bucketDir, 'raw', 'collect.parquet'), 'utf8')).toMatch(/rows from collect/);
    expect(await readFile(join(bucketDir, 'raw', 'run.parquet'), 'utf8')).toMatch(/rows from run/);
  });

  it('takes over a lease its holder left to expire, and says so', async () => {
    // Prepare: a lease from a task that died an hour ago
    const dead: LeaseRecord = {
      holder: 'dead-holder',
      task: 'arn:aws:ecs:us-east-1:200000000003:task/meshwatch/dead',
      command: 'collect',
      acquired_at: new Date(Date.now() - 75 * MINUTE).toISOString(),
      renewed_at: new Date(Date.now() - 75 * MINUTE).toISOString(),
      expires_at: new Date(Date.now() - 60 * MINUTE).toISOString(),
    };
    await s3.send(new PutObjectCommand({ Bucket: 'meshwatch-lake', Key: LEASE_KEY, Body: JSON.stringify(dead) }));
    const runner = task('run', async () => undefined);

    // Act
    const code = await runner.start();

    // Assess
    expect(code).toBe(0);
    expect(runner.lines.join('\n')).toMatch(
      /taken over from the expired collect \(.*task\/meshwatch\/dead, holder dead-holder\)/,
    );
    expect(await readFile(join(bucketDir, 'raw', 'run.parquet'), 'utf8')).toMatch(/rows from run/);
    expect(fake.requestsFor('PutObject').some((request) => request.params.Key === LEASE_KEY)).toBe(true);
  });

  it('pushes nothing and leaves the new lease alone when its own lease was taken over mid-run', async () => {
    // Prepare: while the slow runner works, its lease runs out (its clock jumps 20 minutes) and a
    // second runner, whose clock agrees, takes it over
    const slowClock = manualClock(Date.now());
    const lines: string[] = [];
    const disk = join(root, 'disk-slow');
    const runAndLoseTheLease = async () => {
      const takeover = await acquireLease(lakeStore(), run, settings, manualClock(Date.now() + 20 * MINUTE));
      expect(takeover).toMatchObject({ acquired: true, tookOverFrom: expect.objectContaining({ command: 'slow' }) });
      slowClock.advance(20 * MINUTE);
      await mkdir(join(disk, 'raw'), { recursive: true });
      await writeFile(join(disk, 'raw', 'slow.parquet'), 'rows from slow');
      return 0;
    };

    // Act
    const outcome = runWithLake(['--lake', disk, 'slow'], {
      lakeUrl,
      storeFor: lakeStore,
      report: (line) => lines.push(line),
      lease: settings,
      clock: slowClock,
      run: runAndLoseTheLease,
    });

    // Assess
    await expect(outcome).rejects.toThrow(/lost the lake lease/);
    await expect(readFile(join(bucketDir, 'raw', 'slow.parquet'))).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(join(bucketDir, '_sync', 'lease.json'), 'utf8'))).toMatchObject({ command: 'run' });
    expect(lines.at(-1)).toBe('lake lease was taken over by another runner: left in place');
  });
});

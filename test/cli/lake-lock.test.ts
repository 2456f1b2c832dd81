/**
 * The lake lock with real processes (issue #18, "one lake, one writer at a time"): two collects at
 * once, --no-wait, a collect killed with -9 or stopped with SIGTERM, snoozes during `alerts run`, and a
 * report during a collect. Each spawns the CLI as a user does, on a small copy of the sample trail.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { createContext } from '../../lib/context.js';
import { listFiles, pathExists } from '../../lib/lake/atomic.js';
import { BASE_CONFIG, markMartsCurrent, writeMarts } from '../reports/alerts/fixtures.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'cli/bin/meshwatch.js');
const SAMPLE_TRAIL = join(ROOT, 'sample-logs/cloudtrail');
const ORG_DIR = 'AWSLogs/o-n1mbusc4rt';
const SLOW = 400_000;

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Running {
  readonly child: ChildProcess;
  readonly done: Promise<Finished>;
  /** stderr so far. */
  stderr(): string;
}

function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

const meshwatch = (args: readonly string[], env?: NodeJS.ProcessEnv) => start(args, env).done;

/**
 * Runs `fn` with `holder` paused (SIGSTOP), so that what `fn` starts meets it mid-run however slow
 * the machine is; the holder is resumed afterwards. A paused process still holds what it holds.
 */
async function whilePaused<T>(holder: Running, fn: () => Promise<T>): Promise<T> {
  holder.child.kill('SIGSTOP');
  try {
    return await fn();
  } finally {
    holder.child.kill('SIGCONT');
  }
}

const WAITING_FOR_COLLECT = /waiting for collect \(pid \d+, since [^)]+\) to release the lake lock…/;

/** Resolves once `running` has said it waits for the lake lock, or has ended (then the caller's checks fail). */
async function waitingOrDone(running: Running): Promise<void> {
  let ended = false;
  void running.done.then(() => {
    ended = true;
  });
  await waitFor(
    'the command to wait for the lake lock',
    async () => ended || /waiting for .* to release the lake lock/.test(running.stderr()),
  );
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A copy of the sample trail's log and digest objects of these October days (all accounts, regions). */
async function copyTrailDays(trail: string, days: readonly string[]): Promise<void> {
  await mkdir(trail, { recursive: true });
  await copyFile(join(SAMPLE_TRAIL, 'public-keys.json'), join(trail, 'public-keys.json'));
  for (const account of await readdir(join(SAMPLE_TRAIL, ORG_DIR))) {
    for (const kind of ['CloudTrail', 'CloudTrail-Digest']) {
      const kindDir = join(SAMPLE_TRAIL, ORG_DIR, account, kind);
      if (!(await pathExists(kindDir))) continue;
      for (const region of await readdir(kindDir)) {
        for (const day of days) {
          const from = join(kindDir, region, '2026', '10', day);
          if (await pathExists(from))
            await cp(from, join(trail, ORG_DIR, account, kind, region, '2026', '10', day), { recursive: true });
        }
      }
    }
  }
}

async function logObjectsIn(trail: string): Promise<number> {
  return (await listFiles(trail)).filter((file) => file.includes('/CloudTrail/') && file.endsWith('.json.gz')).length;
}

const SAMPLE_ACCOUNTS = `  accounts:
    - { id: "200000000001", name: nimbuscart-management, domain: platform, kind: management }
    - { id: "311111111111", name: sales-prod, domain: sales, kind: producer }
    - { id: "322222222222", name: marketing-prod, domain: marketing, kind: producer }
    - { id: "333333333333", name: supply-chain-prod, domain: supply-chain, kind: producer }
    - { id: "344444444444", name: finance-prod, domain: finance, kind: producer }
    - { id: "411111111111", name: analytics-prod, domain: analytics, kind: consumer }
    - { id: "422222222222", name: data-science-prod, domain: data-science, kind: consumer }
`;

/** A folder with a trail of `days`, a config whose lake is `<dir>/lake`, and small batches (many publishes). */
async function trailLake(
  days: readonly string[],
  batchRows = 500,
): Promise<{ dir: string; lake: string; trail: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-lock-cli-'));
  const trail = join(dir, 'trail');
  await copyTrailDays(trail, days);
  const config = join(dir, 'meshwatch.config.yaml');
  await writeFile(
    config,
    `lake: ${join(dir, 'lake')}\nnow: 2026-10-31T00:00:00Z\nregions: [us-east-1, eu-west-1]\norganization:\n  id: o-n1mbusc4rt\n${SAMPLE_ACCOUNTS}` +
      `sources:\n  cloudtrail: { path: ${JSON.stringify(trail)}, batch_rows: ${batchRows}, workers: 1 }\n`,
  );
  return { dir, lake: join(dir, 'lake'), trail, config };
}

async function count(config: string, sql: string): Promise<number> {
  const result = await meshwatch(['--config', config, 'sql', sql, '--format', 'json']);
  expect(result.stderr).not.toMatch(/error/i);
  return Number(JSON.parse(result.stdout)[0].n);
}

async function stagingFolders(lake: string): Promise<string[]> {
  const tmp = join(lake, '_tmp');
  return (await pathExists(tmp)) ? (await readdir(tmp)).filter((name) => name.startsWith('cloudtrail-')) : [];
}

const lockFile = (lake: string) => join(lake, '_state', 'lake.lock');

/** Rows a collect says it wrote ("read N records = W written + …"). */
function writtenBy(run: Finished): number {
  const match = /read \d+ records = (\d+) written/.exec(run.stderr);
  expect(match, run.stderr).not.toBeNull();
  return Number(match?.[1]);
}

const COLLECT = ['collect', '--source', 'cloudtrail'];
const DAYS = ['10', '11', '12'];

describe('two collects on one lake', () => {
  let reference: { rows: number; objects: number };

  beforeAll(async () => {
    const single = await trailLake(DAYS);
    const result = await meshwatch(['--config', single.config, ...COLLECT]);
    expect(result.code).toBe(0);
    reference = {
      rows: await count(single.config, 'select count(*) as n from cloudtrail'),
      objects: await count(single.config, 'select count(*) as n from cloudtrail_objects'),
    };
    expect(reference.objects).toBe(await logObjectsIn(single.trail));
  }, SLOW);

  it(
    'serialise: the second waits with one line and finds nothing new; --no-wait exits 1 naming the holder; nothing is lost',
    async () => {
      const { config, lake } = await trailLake(DAYS);
      const first = start(['--config', config, ...COLLECT]);
      // The first is mid-run once its staging folder exists (this is what the second used to delete).
      await waitFor('the first collect to start writing', async () => (await stagingFolders(lake)).length > 0);

      const { refused, secondRun } = await whilePaused(first, async () => {
        const refused = await meshwatch(['--config', config, '--no-wait', ...COLLECT]);
        const secondRun = start(['--config', config, ...COLLECT]);
        await waitingOrDone(secondRun);
        return { refused, secondRun };
      });
      const second = await secondRun.done;
      const firstDone = await first.done;
      expect(firstDone.code).toBe(0);
      expect(second.code).toBe(0);
      // Nothing lost, and what the two say they wrote is what the lake holds.
      const rows = await count(config, 'select count(*) as n from cloudtrail');
      expect(rows).toBe(reference.rows);
      expect(writtenBy(firstDone) + writtenBy(second)).toBe(rows);
      expect(await count(config, 'select count(*) as n from cloudtrail_objects')).toBe(reference.objects);
      const again = await meshwatch(['--config', config, ...COLLECT]);
      expect(again.stderr).toContain(`0 new objects of ${reference.objects} listed`);
      expect(await count(config, 'select count(*) as n from cloudtrail')).toBe(reference.rows);

      expect(second.stderr.match(new RegExp(WAITING_FOR_COLLECT, 'g'))).toEqual([
        expect.stringContaining(`pid ${first.child.pid}`),
      ]);
      expect(second.stderr).toContain(`0 new objects of ${reference.objects} listed`);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`the lake is locked by collect (pid ${first.child.pid}, since `);
      expect(refused.stderr).toContain('--no-wait');
      expect(await pathExists(lockFile(lake))).toBe(false);
    },
    SLOW,
  );

  it(
    'a collect killed with -9 leaves a lock the next collect takes over, and the next one collects everything',
    async () => {
      const { config, lake } = await trailLake(DAYS);
      const killed = start(['--config', config, ...COLLECT]);
      await waitFor('the collect to take the lock and start writing', async () => (await stagingFolders(lake)).length > 0);
      expect(await pathExists(lockFile(lake))).toBe(true);
      killed.child.kill('SIGKILL');
      expect((await killed.done).signal).toBe('SIGKILL');
      expect(JSON.parse(await readFile(lockFile(lake), 'utf8')).pid).toBe(killed.child.pid);

      const next = await meshwatch(['--config', config, '--no-wait', ...COLLECT]);
      expect(next.code).toBe(0);
      expect(next.stderr).toContain(`took over the lake lock of collect (pid ${killed.child.pid}, `);
      expect(next.stderr).toContain(`process ${killed.child.pid} is gone`);
      expect(await count(config, 'select count(*) as n from cloudtrail')).toBe(reference.rows);
      expect(await count(config, 'select count(*) as n from cloudtrail_objects')).toBe(reference.objects);
      expect(await stagingFolders(lake)).toEqual([]);
    },
    SLOW,
  );

  it(
    'a collect stopped with SIGTERM releases the lock as it ends',
    async () => {
      const { config, lake } = await trailLake(DAYS);
      const stopped = start(['--config', config, ...COLLECT]);
      await waitFor('the collect to start writing', async () => (await stagingFolders(lake)).length > 0);
      expect(await pathExists(lockFile(lake))).toBe(true);
      stopped.child.kill('SIGTERM');
      expect((await stopped.done).signal).toBe('SIGTERM');
      expect(await pathExists(lockFile(lake))).toBe(false);
    },
    SLOW,
  );
});

describe('alerts snooze during alerts run', () => {
  let server: Server;
  let requests = 0;
  /** Answers are held until the test releases them: the run is then mid-delivery for as long as needed. */
  let held: (() => void)[] = [];
  let holding = true;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests++;
      request.resume();
      const answer = () => response.writeHead(200).end('ok');
      if (holding) held.push(answer);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it(
    'keeps all 4 snoozes: each waits for the run, then applies',
    async () => {
      const lake = await mkdtemp(join(tmpdir(), 'mw-lock-alerts-'));
      const products = ['orders', 'customers', 'returns', 'invoices'].map((table) => ({
        product: `sales.${table}`,
        table_fqn: `sales_db.${table}`,
        domain: 'sales',
        account_id: '311111111111',
        max_lag_hours: 26,
        lag_hours: 80,
        status: 'breached',
      }));
      await writeMarts(lake, { product_freshness: products });
      const config = join(lake, 'meshwatch.config.yaml');
      await writeFile(
        config,
        `${BASE_CONFIG}lake: ${lake}\nalerts:\n  destinations:\n    - { type: webhook, url_env: MW_LOCK_TEST_HOOK, max_attempts: 1, timeout_ms: 120000 }\n`,
      );
      // The hand-written marts are current for this config (as a transform would record them).
      await markMartsCurrent(createContext(await loadConfig(config)));
      const address = server.address() as { port: number };
      const env = { MW_LOCK_TEST_HOOK: `http://127.0.0.1:${address.port}/hook` };
      const statePath = join(lake, '_state', 'alerts', 'state.json');

      requests = 0;
      held = [];
      holding = true;
      const run = start(['--config', config, 'alerts', 'run'], env);
      // The run has committed its state and is delivering the first of its 4 notifications (and
      // saves the state again after each one).
      await waitFor('the run to deliver', async () => requests > 0 && (await pathExists(statePath)));
      const ids = (JSON.parse(await readFile(statePath, 'utf8')).instances as { id: string }[]).map((instance) => instance.id);
      expect(ids).toHaveLength(4);

      const running = ids.map((id) => start(['--config', config, 'alerts', 'snooze', id, '--until', '2d'], env));
      await Promise.all(running.map(waitingOrDone));
      holding = false;
      for (const answer of held) answer();
      const snoozes = await Promise.all(running.map((snooze) => snooze.done));
      expect((await run.done).code).toBe(0);
      for (const snooze of snoozes) {
        expect(snooze.code).toBe(0);
        expect(snooze.stderr).toContain('snoozed until 2026-11-02T00:00:00.000Z');
      }

      const state = JSON.parse(await readFile(statePath, 'utf8')) as {
        instances: { id: string; status: string }[];
        outbox: unknown[];
      };
      expect(state.instances.map((instance) => instance.status)).toEqual(['snoozed', 'snoozed', 'snoozed', 'snoozed']);
      expect(state.outbox).toEqual([]);
      expect(requests).toBe(4);
      for (const snooze of snoozes) expect(snooze.stderr).toContain(`waiting for alerts run (pid ${run.child.pid}, since `);
    },
    SLOW,
  );
});

describe('a report during a collect', () => {
  it(
    'waits for the collect and answers from all of it, never from half a batch or with "Cannot open file"',
    async () => {
      const { config, lake, trail } = await trailLake(['10', '11'], 300);
      expect((await meshwatch(['--config', config, ...COLLECT])).code).toBe(0);
      expect((await meshwatch(['--config', config, 'transform'])).code).toBe(0);
      await copyTrailDays(trail, ['12', '13', '14', '15']);

      const objectsDir = join(lake, 'cloudtrail_objects');
      const shardsBefore = (await listFiles(objectsDir)).length;
      const collect = start(['--config', config, ...COLLECT]);
      // Once the collect has published its first new batch, the lake is half way between two states.
      await waitFor('the first new batch', async () => (await listFiles(objectsDir)).length > shardsBefore);
      const report = ['--config', config, 'coverage', '--by', 'day', '--since', '2026-10-01', '--format', 'json'];
      const duringRun = await whilePaused(collect, async () => {
        const running = start(report);
        await waitingOrDone(running);
        return running;
      });
      const during = await duringRun.done;
      const collected = await collect.done;
      expect(collected.code).toBe(0);

      expect(during.stderr).not.toContain('Cannot open file');
      expect(during.code).toBe(0);
      const after = await meshwatch(report);
      expect(after.code).toBe(0);
      const rows = JSON.parse(after.stdout) as { day: string; objects: number }[];
      const days = new Set(rows.filter((row) => Number(row.objects) > 0).map((row) => row.day));
      expect([...days].sort()).toEqual(['2026-10-10', '2026-10-11', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15']);
      expect(JSON.parse(during.stdout)).toEqual(JSON.parse(after.stdout));
      expect(during.stderr).toMatch(WAITING_FOR_COLLECT);
    },
    SLOW,
  );
});

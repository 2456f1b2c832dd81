import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../lib/errors.js';
import { pathExists } from '../../../lib/lake/atomic.js';
import { lakeLayout } from '../../../lib/lake/layout.js';
import {
  LakeLockedError,
  type LockHolder,
  type LockPolicy,
  lakeLockPath,
  processStartTime,
  withLakeLock,
} from '../../../lib/lake/lock.js';
import { parseLockTimeout } from '../../../lib/lake/lock-policy.js';
import { createMemoryLogger } from '../../../lib/log.js';

async function tempOwner(lockPolicy: LockPolicy = {}) {
  const layout = lakeLayout(await mkdtemp(join(tmpdir(), 'mw-lock-')));
  return { layout, logger: createMemoryLogger('normal'), lockPolicy };
}

/** The pid of a process that has exited (and whose pid nothing has taken yet, in practice). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return child.pid as number;
}

async function writeLock(path: string, holder: Partial<LockHolder>): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const full = {
    pid: process.pid,
    start_time: processStartTime(process.pid),
    boot_id: null,
    host: hostname(),
    command: 'collect',
    acquired_at: '2026-10-30T10:00:00.000Z',
    ...holder,
  };
  await writeFile(path, JSON.stringify(full));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withLakeLock', () => {
  it('holds _state/lake.lock naming this process while the work runs, and removes it afterwards', async () => {
    const owner = await tempOwner();
    const path = lakeLockPath(owner.layout);
    const seen = await withLakeLock(owner, 'collect', async () => JSON.parse(await readFile(path, 'utf8')));
    expect(seen).toMatchObject({ pid: process.pid, host: hostname(), command: 'collect' });
    expect(seen.start_time).toBe(processStartTime(process.pid));
    expect(Number.isNaN(Date.parse(seen.acquired_at))).toBe(false);
    expect(await pathExists(path)).toBe(false);
  });

  it('is reentrant within one chain of calls (run → collect → transform do not deadlock)', async () => {
    const owner = await tempOwner({ wait: false });
    const result = await withLakeLock(owner, 'run', () =>
      withLakeLock(owner, 'collect', () => withLakeLock(owner, 'transform', async () => 'done')),
    );
    expect(result).toBe('done');
    expect(await pathExists(lakeLockPath(owner.layout))).toBe(false);
  });

  it('releases the lock when the work fails', async () => {
    const owner = await tempOwner();
    await expect(withLakeLock(owner, 'collect', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await pathExists(lakeLockPath(owner.layout))).toBe(false);
    await expect(withLakeLock({ ...owner, lockPolicy: { wait: false } }, 'collect', async () => 'again')).resolves.toBe('again');
  });

  it('makes a second writer wait, saying once whom it waits for, then run after the first', async () => {
    const owner = await tempOwner();
    const events: string[] = [];
    const first = withLakeLock(owner, 'collect', async () => {
      events.push('first started');
      await sleep(700);
      events.push('first done');
    });
    await sleep(50);
    const second = withLakeLock(owner, 'alerts snooze', async () => {
      events.push('second started');
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['first started', 'first done', 'second started']);
    const waiting = owner.logger.lines.filter((line) => line.startsWith('waiting for'));
    expect(waiting).toEqual([
      expect.stringMatching(new RegExp(`^waiting for collect \\(pid ${process.pid}, since .+\\) to release the lake lock…$`)),
    ]);
  });

  it('with wait: false fails at once with exit code 1, naming the holder', async () => {
    const owner = await tempOwner({ wait: false });
    await writeLock(lakeLockPath(owner.layout), { command: 'collect' });
    const failure = await withLakeLock(owner, 'collect', async () => 'ran').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LakeLockedError);
    expect((failure as Error).message).toBe(
      `the lake is locked by collect (pid ${process.pid}, since 2026-10-30T10:00:00.000Z) and --no-wait was given`,
    );
    expect(exitCodeFor(failure)).toBe(1);
    // The holder's lock is left alone.
    expect(JSON.parse(await readFile(lakeLockPath(owner.layout), 'utf8')).command).toBe('collect');
  });

  it('gives up after timeoutMs, naming the holder', async () => {
    const owner = await tempOwner({ timeoutMs: 400 });
    await writeLock(lakeLockPath(owner.layout), { command: 'run' });
    const started = Date.now();
    const failure = await withLakeLock(owner, 'collect', async () => 'ran').catch((error: unknown) => error);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((failure as Error).message).toMatch(
      /locked by run \(pid \d+, since .*\) and did not release it within --lock-timeout 400ms/,
    );
  });

  it('takes over the lock of a process that is gone, with a warning', async () => {
    const owner = await tempOwner({ wait: false });
    const pid = deadPid();
    await writeLock(lakeLockPath(owner.layout), { pid, start_time: '123' });
    await expect(withLakeLock(owner, 'collect', async () => 'ran')).resolves.toBe('ran');
    expect(owner.logger.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^warning: took over the lake lock of collect \\(pid ${pid}, .*\\): process ${pid} is gone`),
      ),
    );
  });

  it('takes over a lock whose pid now belongs to another process (start time differs)', async () => {
    const owner = await tempOwner({ wait: false });
    await writeLock(lakeLockPath(owner.layout), { pid: process.pid, start_time: '1' });
    await expect(withLakeLock(owner, 'collect', async () => 'ran')).resolves.toBe('ran');
    expect(owner.logger.lines).toContainEqual(expect.stringContaining(`pid ${process.pid} now belongs to another process`));
  });

  it('takes over a lock from before the machine restarted', async () => {
    const owner = await tempOwner({ wait: false });
    await writeLock(lakeLockPath(owner.layout), { boot_id: 'an-earlier-boot' });
    await expect(withLakeLock(owner, 'collect', async () => 'ran')).resolves.toBe('ran');
  });

  it('takes over a lock file that is not a meshwatch lock (once it is not a create in progress)', async () => {
    const owner = await tempOwner({ wait: false });
    await mkdir(owner.layout.stateDir, { recursive: true });
    await writeFile(lakeLockPath(owner.layout), 'garbage');
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lakeLockPath(owner.layout), longAgo, longAgo);
    await expect(withLakeLock(owner, 'collect', async () => 'ran')).resolves.toBe('ran');
  });

  it('never takes over the lock of another host (it cannot be checked from here)', async () => {
    const owner = await tempOwner({ wait: false });
    await writeLock(lakeLockPath(owner.layout), { host: 'runner-7', pid: deadPid() });
    const failure = await withLakeLock(owner, 'collect', async () => 'ran').catch((error: unknown) => error);
    expect((failure as Error).message).toContain('on host runner-7');
    expect((failure as LakeLockedError).hint).toContain('delete lake.lock');
  });

  it('lets exactly one of several waiters take over a stale lock', async () => {
    const owner = await tempOwner();
    await writeLock(lakeLockPath(owner.layout), { pid: deadPid() });
    let inside = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3, 4].map(() =>
        withLakeLock({ ...owner, lockPolicy: {} }, 'collect', async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(30);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(owner.logger.lines.filter((line) => line.includes('took over'))).toHaveLength(1);
  });
});

describe('processStartTime', () => {
  it.runIf(process.platform === 'linux')('reads field 22 of /proc/<pid>/stat (none for a process that is gone)', async () => {
    const own = processStartTime(process.pid);
    expect(own).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).toBe(own);
    expect(processStartTime(deadPid())).toBeNull();
  });
});

describe('parseLockTimeout', () => {
  it('reads seconds and durations with a unit, and refuses anything else', () => {
    expect(parseLockTimeout('90')).toBe(90_000);
    expect(parseLockTimeout('30s')).toBe(30_000);
    expect(parseLockTimeout('10m')).toBe(600_000);
    expect(parseLockTimeout('500ms')).toBe(500);
    expect(() => parseLockTimeout('soon')).toThrow('cannot read --lock-timeout "soon" as a duration');
  });
});

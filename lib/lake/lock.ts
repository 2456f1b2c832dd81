/**
 * One writer at a time on a lake: an exclusive lock file, `<lake>/_state/lake.lock`, that every
 * command changing the lake (collect, transform and the marts rebuild reports trigger, alerts run
 * and snooze, run, dashboards build, sql) holds while it works.
 *
 * The file is created complete under a private name and hard-linked into place: `link` fails with
 * EEXIST when the lock exists (the O_EXCL guarantee), and no one ever reads a half-written lock.
 * It names its holder: pid, the process's start time (field 22 of /proc/<pid>/stat, so a pid the
 * kernel handed to another process after the holder died is told apart; null off Linux), the boot
 * id, host, command and when it was taken. A lock whose process is gone (or whose pid now belongs
 * to another process, or to an earlier boot) is stale and is taken over with a warning; a lock
 * held by another host cannot be checked from here and is waited for like a live one.
 *
 * A second writer waits (polling with backoff, saying once whom it waits for) or, with
 * `wait: false`, fails at once with a LakeLockedError naming the holder; `timeoutMs` bounds the
 * wait. The lock is reentrant within one chain of calls (run → collect → transform → dashboards),
 * tracked with AsyncLocalStorage, and released in `finally`, at exit and on SIGINT/SIGTERM.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LakeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LakeLayout } from './layout.js';

export interface LockHolder {
  readonly pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22); null off Linux. */
  readonly start_time: string | null;
  readonly boot_id: string | null;
  readonly host: string;
  readonly command: string;
  readonly acquired_at: string;
}

export interface LockPolicy {
  /** False: fail at once when another process holds the lock (CLI --no-wait). Default true. */
  readonly wait?: boolean;
  /** Give up waiting after this long (CLI --lock-timeout). Default: wait as long as the holder lives. */
  readonly timeoutMs?: number;
}

export interface LockOwner {
  readonly layout: LakeLayout;
  readonly logger: Logger;
  readonly lockPolicy?: LockPolicy;
}

/** Another live process holds the lake lock (and the caller would not, or could no longer, wait). */
export class LakeLockedError extends LakeError {}

const LOCK_FILE = 'lake.lock';
const READ_ONLY_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
/** An unreadable lock (or takeover guard) this old is no create in progress but debris. */
const UNREADABLE_STALE_MS = 5_000;
const FIRST_POLL_MS = 50;
const LONGEST_POLL_MS = 1_000;
/** Waits shorter than this (another command's quick freshness check) are not worth a line. */
const ANNOUNCE_AFTER_MS = 250;

export function lakeLockPath(layout: LakeLayout): string {
  return layout.statePath(LOCK_FILE);
}

/** Locks held by this async chain of calls (reentrancy) and by the process (release on signals). */
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();
const heldByProcess = new Map<string, string>();

/**
 * Runs `fn` holding the lake lock for `command`: waits for (or fails on) another holder, takes over
 * a stale lock, and releases it however `fn` ends. Nested calls in the same chain just run `fn`.
 */
export async function withLakeLock<T>(
  owner: LockOwner,
  command: string,
  fn: () => Promise<T>,
  options: { readonly unlockedOnReadOnlyLake?: boolean } = {},
): Promise<T> {
  // A reader of a lake it may not write (a read-only mount, another user's lake) cannot lock it,
  // and writes nothing: it reads without the lock. Even resolving the lock's path may be refused.
  const readUnlocked = (error: unknown): boolean => {
    if (!options.unlockedOnReadOnlyLake || !READ_ONLY_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    owner.logger.debug(`lake lock: cannot be taken (${(error as Error).message}); reading without it`);
    return true;
  };
  let path: string;
  try {
    path = lakeLockPath(owner.layout);
  } catch (error) {
    if (readUnlocked(error)) return fn();
    throw error;
  }
  const held = heldHere.getStore();
  if (held?.has(path)) return fn();
  let content: string;
  try {
    content = await acquireLakeLock(path, command, owner.lockPolicy ?? {}, owner.logger);
  } catch (error) {
    if (readUnlocked(error)) return fn();
    throw error;
  }
  try {
    return await heldHere.run(new Set([...(held ?? []), path]), fn);
  } finally {
    await releaseLakeLock(path, content);
  }
}

async function acquireLakeLock(path: string, command: string, policy: LockPolicy, logger: Logger): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const content = `${JSON.stringify(currentHolder(command))}\n`;
  const started = Date.now();
  let delay = FIRST_POLL_MS;
  let announced: string | undefined;
  for (;;) {
    if (await createExclusive(path, content)) {
      remember(path, content);
      return content;
    }
    const seen = await readLock(path);
    if (seen === undefined) continue; // released between our attempt and the read
    if (seen.holder === undefined && !(await olderThan(path, UNREADABLE_STALE_MS))) {
      await sleep(FIRST_POLL_MS); // an O_EXCL create being written (filesystems without hard links)
      continue;
    }
    const stale = seen.holder ? stalenessOf(seen.holder) : 'its content is not a meshwatch lock';
    if (stale !== undefined) {
      await takeOverStale(path, seen.text, stale, logger);
      continue;
    }
    const holder = seen.holder as LockHolder;
    if (policy.wait === false) throw lockedError(path, holder, 'and --no-wait was given');
    const waited = Date.now() - started;
    if (policy.timeoutMs !== undefined && waited >= policy.timeoutMs) {
      throw lockedError(path, holder, `and did not release it within --lock-timeout ${formatMs(policy.timeoutMs)}`);
    }
    if (announced !== seen.text && waited >= ANNOUNCE_AFTER_MS) {
      logger.info(`waiting for ${describeHolder(holder)} to release the lake lock…`);
      announced = seen.text;
    }
    const remaining = policy.timeoutMs === undefined ? delay : Math.min(delay, policy.timeoutMs - waited);
    await sleep(Math.max(remaining, 1));
    delay = Math.min(Math.round(delay * 1.5), LONGEST_POLL_MS);
  }
}

/**
 * Creates `path` holding `content` only if it does not exist yet; false if it does. A complete
 * draft is hard-linked into place, so the lock is never seen half written; where the filesystem
 * has no hard links, an O_EXCL create (`wx`) is the fallback.
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(draft, content, { flag: 'wx' });
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
    try {
      await writeFile(path, content, { flag: 'wx' });
      return true;
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    await rm(draft, { force: true });
  }
}

interface SeenLock {
  readonly text: string;
  readonly holder: LockHolder | undefined;
}

async function readLock(path: string): Promise<SeenLock | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { text, holder: parseHolder(text) };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.command !== 'string') return undefined;
    return {
      pid: value.pid,
      start_time: value.start_time ?? null,
      boot_id: value.boot_id ?? null,
      host: value.host,
      command: value.command,
      acquired_at: String(value.acquired_at ?? ''),
    };
  } catch {
    return undefined;
  }
}

/** Why the holder is gone (so its lock is stale), or undefined when it may still run. */
export function stalenessOf(holder: LockHolder): string | undefined {
  if (holder.host !== hostname()) return undefined;
  const bootId = currentBootId();
  if (holder.boot_id && bootId && holder.boot_id !== bootId) return 'the machine has restarted since';
  if (!processExists(holder.pid)) return `process ${holder.pid} is gone`;
  const startTime = processStartTime(holder.pid);
  if (holder.start_time && startTime && holder.start_time !== startTime) {
    return `pid ${holder.pid} now belongs to another process`;
  }
  return undefined;
}

/**
 * Removes a stale lock, but only the one judged stale: several waiters may judge it at once, so a
 * short-lived guard file (created exclusively too) lets one of them re-read and remove it; the
 * others find the guard and try again. A guard left by a killed process is removed the same way.
 */
async function takeOverStale(path: string, staleText: string, reason: string, logger: Logger): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard, `${JSON.stringify(currentHolder('lock takeover'))}\n`))) {
    await removeDeadGuard(guard);
    await sleep(FIRST_POLL_MS);
    return;
  }
  try {
    const now = await readLock(path);
    if (now?.text !== staleText) return;
    await rm(path, { force: true });
    const holder = now.holder ? describeHolder(now.holder) : 'an unreadable lock';
    logger.warn(`took over the lake lock of ${holder}: ${reason} (${path})`);
  } finally {
    await rm(guard, { force: true });
  }
}

async function removeDeadGuard(guard: string): Promise<void> {
  const seen = await readLock(guard);
  if (seen === undefined) return;
  const dead = seen.holder ? stalenessOf(seen.holder) !== undefined : await olderThan(guard, UNREADABLE_STALE_MS);
  if (dead) await rm(guard, { force: true });
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}

async function releaseLakeLock(path: string, content: string): Promise<void> {
  heldByProcess.delete(path);
  const seen = await readLock(path);
  // Only our own lock: if it was (wrongly) taken over, the new holder's lock stays.
  if (seen?.text === content) await rm(path, { force: true });
}

function releaseAllSync(): void {
  for (const [path, content] of heldByProcess) {
    try {
      if (readFileSync(path, 'utf8') === content) unlinkSync(path);
    } catch {
      // Already gone; nothing to release.
    }
  }
  heldByProcess.clear();
}

let signalsHooked = false;

/** Ctrl-C or a supervisor's SIGTERM must not leave a live-looking lock behind (the pid may be reused). */
function remember(path: string, content: string): void {
  heldByProcess.set(path, content);
  if (signalsHooked) return;
  signalsHooked = true;
  process.once('exit', releaseAllSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      releaseAllSync();
      process.off(signal, onSignal);
      // With no other handler, end the process as the signal would have (exit status 128 + n).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function lockedError(path: string, holder: LockHolder, why: string): LakeLockedError {
  return new LakeLockedError(`the lake is locked by ${describeHolder(holder)} ${why}`, {
    context: { file: path, pid: holder.pid, command: holder.command, host: holder.host },
    hint:
      holder.host === hostname()
        ? 'wait for it to finish (without --no-wait, and with no or a longer --lock-timeout, meshwatch waits for it), or stop that process'
        : `it runs on host ${holder.host}, where meshwatch cannot check it; if it is no longer running there, delete ${basename(path)} in the lake's _state folder`,
  });
}

export function describeHolder(holder: LockHolder): string {
  const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
  return `${holder.command} (pid ${holder.pid}${where}, since ${holder.acquired_at})`;
}

function currentHolder(command: string): LockHolder {
  return {
    pid: process.pid,
    start_time: processStartTime(process.pid),
    boot_id: currentBootId(),
    host: hostname(),
    command,
    acquired_at: new Date().toISOString(),
  };
}

/** Whether a process with this pid runs on this machine (it may be another than the one meant: check its start time). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (starttime); the command name (field 2) may hold spaces and parentheses. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3] ?? null;
  } catch {
    return null;
  }
}

function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The lake lease: one runner at a time pulls, runs and pushes the lake. Two scheduled tasks that
 * overlap (the hourly collect and the daily run) would otherwise each push their own copy and the
 * later push would silently drop the other's work.
 *
 * The lease is one object in the lake bucket (LEASE_KEY) written with S3 conditional writes:
 * taken with `If-None-Match: *` (only one writer can create it), renewed and taken over with
 * `If-Match: <etag>` (only the holder of that version can change it), released with a
 * conditional delete (`If-Match` on DeleteObject), so a runner never removes a lease another
 * runner took over. A lease whose `expires_at` has passed belongs to a runner that died: the next
 * one takes it over. Holders renew it while they work, and check it once more before pushing.
 */
import { randomUUID } from 'node:crypto';
import { LakeError } from '../../lib/errors.js';
import type { ObjectStore } from './object-store.js';

/** Beside the sync manifest, in the sync's own folder (never copied from a task's disk). */
export const LEASE_KEY = '_sync/lease.json';

/** What the lease object holds: who has the lake, since when, and until when. */
export interface LeaseRecord {
  /** A random id per runner process: who to blame in a message, never trusted for ownership (the ETag is). */
  readonly holder: string;
  /** The ECS task ARN (or host and pid elsewhere), to find the holder's logs. */
  readonly task: string;
  /** The meshwatch command the holder runs (collect, run...). */
  readonly command: string;
  readonly acquired_at: string;
  readonly renewed_at: string;
  readonly expires_at: string;
}

export interface LeaseIdentity {
  readonly task: string;
  readonly command: string;
}

export interface LeaseSettings {
  /** How long a lease lasts without renewal; a crashed holder blocks others this long at most. */
  readonly ttlMs: number;
  /** How long to wait for a held lease before giving up (0: skip at once). */
  readonly waitMs: number;
  /** How often to look again while waiting. */
  readonly pollMs: number;
}

export interface LeaseClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: LeaseClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type LeaseAttempt =
  | { readonly acquired: true; readonly lease: HeldLease; readonly tookOverFrom: LeaseRecord | undefined }
  | { readonly acquired: false; readonly heldBy: LeaseRecord | undefined; readonly waitedMs: number };

/** How many times in a row the lease may vanish or change under us before acquiring gives up (a bound, not a wait). */
const MAX_RACES = 20;

/**
 * Takes the lease, waiting up to `settings.waitMs` while another runner holds it. Expired leases
 * (and unreadable ones, counted as expired: they cannot name a live holder) are taken over.
 */
export async function acquireLease(
  store: ObjectStore,
  identity: LeaseIdentity,
  settings: LeaseSettings,
  clock: LeaseClock = systemClock,
): Promise<LeaseAttempt> {
  const holder = randomUUID();
  const started = clock.now();
  let heldBy: LeaseRecord | undefined;
  for (let races = 0; races < MAX_RACES; ) {
    const record = leaseRecord(holder, identity, clock.now(), settings.ttlMs);
    const created = await store.create(LEASE_KEY, encode(record));
    if (created !== 'exists') {
      return { acquired: true, lease: new HeldLease(store, record, created.etag, settings, clock), tookOverFrom: undefined };
    }
    const current = await store.read(LEASE_KEY);
    if (!current) {
      races += 1; // released between our create and read: try to create again
      continue;
    }
    const existing = decode(current.body);
    if (!existing || Date.parse(existing.expires_at) <= clock.now()) {
      const replaced = await store.replace(LEASE_KEY, encode(record), current.etag);
      if (replaced !== 'changed') {
        const lease = new HeldLease(store, record, replaced.etag, settings, clock);
        return { acquired: true, lease, tookOverFrom: existing };
      }
      races += 1; // someone else renewed or took it over first
      continue;
    }
    heldBy = existing;
    const waited = clock.now() - started;
    if (waited + settings.pollMs > settings.waitMs) return { acquired: false, heldBy, waitedMs: waited };
    await clock.sleep(settings.pollMs);
  }
  throw new LakeError(`the lake lease ${store.location}${LEASE_KEY} changed hands ${MAX_RACES} times while acquiring it`, {
    context: { key: LEASE_KEY },
    hint: 'several runners are starting at once; let the schedules settle and run again',
  });
}

/** A lease this runner holds: renew it while working, check it before pushing, release it after. */
export class HeldLease {
  private etag: string;
  private current: LeaseRecord;
  private lostTo: 'taken-over' | undefined;
  /** Renewals run one after another: two concurrent If-Match writes of one ETag would fail each other. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: ObjectStore,
    record: LeaseRecord,
    etag: string,
    private readonly settings: LeaseSettings,
    private readonly clock: LeaseClock,
  ) {
    this.current = record;
    this.etag = etag;
  }

  get record(): LeaseRecord {
    return this.current;
  }

  /**
   * True once a renewal found the lease taken over, or while it has run out (another runner may
   * take it over at any moment then; a renewal that still finds our version makes it ours again).
   */
  get lost(): boolean {
    return this.lostTo !== undefined || Date.parse(this.current.expires_at) <= this.clock.now();
  }

  /** Extends the lease by the TTL; false when another runner has taken it over. */
  renew(): Promise<boolean> {
    return this.serialised(async () => {
      if (this.lostTo) return false;
      const now = this.clock.now();
      const next = { ...this.current, renewed_at: iso(now), expires_at: iso(now + this.settings.ttlMs) };
      const answer = await this.store.replace(LEASE_KEY, encode(next), this.etag);
      if (answer === 'changed') {
        this.lostTo = 'taken-over';
        return false;
      }
      this.etag = answer.etag;
      this.current = next;
      return true;
    });
  }

  /**
   * Renews every third of the TTL until `stop()`; a failed renewal (network) is reported and
   * retried at the next tick — if none gets through before expiry, the lease counts as lost.
   */
  keepAlive(onError: (error: unknown) => void): void {
    this.stop();
    const every = Math.max(1000, Math.floor(this.settings.ttlMs / 3));
    this.timer = setInterval(() => {
      this.renew().catch(onError);
    }, every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Throws if the lease was lost: call before each write that must not outlive the lease. */
  assertHeld(): void {
    if (this.lost) {
      throw new LakeError(`lost the lake lease ${this.store.location}${LEASE_KEY} (${this.lostTo ?? 'expired'})`, {
        context: { key: LEASE_KEY, holder: this.current.holder },
        hint: 'another runner holds the lake now; this run pushes nothing and the next scheduled run redoes its work',
      });
    }
  }

  /** Deletes the lease if it is still ours; 'not-ours' when another runner has taken it over. */
  release(): Promise<'released' | 'not-ours'> {
    this.stop();
    return this.serialised(async () => {
      if (this.lostTo === 'taken-over') return 'not-ours' as const;
      const answer = await this.store.removeIf(LEASE_KEY, this.etag);
      return answer === 'removed' ? ('released' as const) : ('not-ours' as const);
    });
  }

  private serialised<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step, step);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** One line for the task log: who holds the lease and until when. */
export function describeLease(record: LeaseRecord | undefined): string {
  if (!record) return 'an unreadable lease';
  return `${record.command} (${record.task}, holder ${record.holder}) until ${record.expires_at}`;
}

function leaseRecord(holder: string, identity: LeaseIdentity, now: number, ttlMs: number): LeaseRecord {
  return {
    holder,
    task: identity.task,
    command: identity.command,
    acquired_at: iso(now),
    renewed_at: iso(now),
    expires_at: iso(now + ttlMs),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

const encode = (record: LeaseRecord) => new TextEncoder().encode(`${JSON.stringify(record, null, 1)}\n`);

/** The lease record, or undefined when the object is not one (truncated, hand-edited). */
function decode(body: Uint8Array): LeaseRecord | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as Partial<LeaseRecord>;
    if (typeof parsed.holder !== 'string' || typeof parsed.expires_at !== 'string') return undefined;
    if (Number.isNaN(Date.parse(parsed.expires_at))) return undefined;
    return parsed as LeaseRecord;
  } catch {
    return undefined;
  }
}

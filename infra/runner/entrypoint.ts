/**
 * The runner container's entry point (Dockerfile ENTRYPOINT): takes the lake lease
 * (MESHWATCH_LAKE_S3 + `_sync/lease.json`, see lake-lease.ts), pulls the lake into the --lake
 * folder, runs meshwatch with the task's arguments, pushes what changed back — also after a
 * failed run, since every lake write is atomic and a partial run's progress is worth keeping —
 * publishes the built dashboards (MESHWATCH_SITE_S3) and releases the lease. When another runner
 * holds the lease it waits up to MESHWATCH_LEASE_WAIT_SECONDS, then skips with exit code 75.
 * Without the variables it is just meshwatch.
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { main as meshwatch } from '../../cli/main.js';
import { timeoutRequestHandler } from '../../ingest/aws/network-bounds.js';
import { ConfigError, describeError } from '../../lib/errors.js';
import { pathExists } from '../../lib/lake/atomic.js';
import { acquireLease, describeLease, type HeldLease, type LeaseClock, type LeaseSettings, systemClock } from './lake-lease.js';
import { pull, push, type SyncReport } from './lake-sync.js';
import { type ObjectStore, parseS3Url, s3ObjectStore } from './object-store.js';

/** The exit code of a run skipped because another runner held the lake (EX_TEMPFAIL: try again later). */
export const LEASE_HELD_EXIT_CODE = 75;

/** The --lake value the task passes (see infra/stacks/pipeline-stack.ts), else the image default. */
export function lakeDirFrom(args: readonly string[], fallback = '/lake'): string {
  const index = args.indexOf('--lake');
  const inline = args.find((arg) => arg.startsWith('--lake='));
  return resolve(inline ? inline.slice('--lake='.length) : index >= 0 ? (args[index + 1] ?? fallback) : fallback);
}

/** meshwatch's global options that take a value (cli/main.ts), so their value is not the command. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['-c', '--config', '--lake']);

/** The meshwatch sub-command in `args` (collect, run...), for the lease record and messages. */
export function commandFrom(args: readonly string[]): string {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) index += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return 'meshwatch';
}

const describe = (what: string, report: SyncReport) =>
  `${what}: ${report.copy.length} copied, ${report.remove.length} removed, ${report.unchanged} unchanged` +
  (report.refused.length > 0
    ? `; ${report.refused.length} REFUSED (path outside the lake): ${report.refused.map((entry) => `${entry.key} (${entry.reason})`).join(', ')}`
    : '');

export interface RunnerEnvironment {
  /** MESHWATCH_LAKE_S3: where the lake lives between runs. */
  readonly lakeUrl?: string;
  /** MESHWATCH_SITE_S3: where the built dashboards are served from. */
  readonly siteUrl?: string;
  /** Opens the store behind a URL (S3 in the container; a folder in tests). */
  readonly storeFor: (url: string) => ObjectStore;
  readonly report: (line: string) => void;
  /** The lake lease's timing (leaseSettingsFrom); the defaults when absent. */
  readonly lease?: LeaseSettings;
  /** Who this runner is in the lease record: the ECS task ARN in the container. */
  readonly task?: string;
  readonly clock?: LeaseClock;
  /** Runs meshwatch with the arguments and returns its exit code; default: the CLI's main(). */
  readonly run?: (args: string[]) => Promise<number>;
}

// main() takes a full argv, as process.argv is: node, script, then the arguments.
const runMeshwatch = (args: string[]) => meshwatch([process.execPath, 'meshwatch', ...args]);

/**
 * Under the lake lease: pull the lake, run meshwatch with `args`, push the lake and the site.
 * Returns meshwatch's exit code, or LEASE_HELD_EXIT_CODE when another runner kept the lake.
 */
export async function runWithLake(args: string[], env: RunnerEnvironment): Promise<number> {
  const lakeDir = lakeDirFrom(args);
  if (!env.lakeUrl) return runAndPublish(args, env, lakeDir, undefined);
  const lake = env.storeFor(env.lakeUrl);
  const settings = env.lease ?? DEFAULT_LEASE;
  const command = commandFrom(args);
  const attempt = await acquireLease(
    lake,
    { task: env.task ?? `${hostname()}:${process.pid}`, command },
    settings,
    env.clock ?? systemClock,
  );
  if (!attempt.acquired) {
    env.report(
      `lake ${lake.location} is leased to ${describeLease(attempt.heldBy)}: ${command} skipped after waiting ` +
        `${Math.round(attempt.waitedMs / 1000)} s (exit ${LEASE_HELD_EXIT_CODE}; the next scheduled run catches up)`,
    );
    return LEASE_HELD_EXIT_CODE;
  }
  const { lease } = attempt;
  const takeover = attempt.tookOverFrom ? `, taken over from the expired ${describeLease(attempt.tookOverFrom)}` : '';
  env.report(`lake lease taken until ${lease.record.expires_at}${takeover}`);
  lease.keepAlive((error) => env.report(`lake lease renewal failed (retried): ${describeError(error)}`));
  try {
    env.report(describe(`lake ${lake.location} → ${lakeDir}`, await pull(lake, lakeDir)));
    return await runAndPublish(args, env, lakeDir, { lake, lease });
  } finally {
    const released = await lease.release();
    env.report(released === 'released' ? 'lake lease released' : 'lake lease was taken over by another runner: left in place');
  }
}

async function runAndPublish(
  args: string[],
  env: RunnerEnvironment,
  lakeDir: string,
  leased: { readonly lake: ObjectStore; readonly lease: HeldLease } | undefined,
): Promise<number> {
  const code = await (env.run ?? runMeshwatch)(args);
  const beforeWrite = () => leased?.lease.assertHeld();
  if (leased) {
    // Confirm the lease (and extend it) before the first write: a runner that lost it pushes nothing.
    if (!(await leased.lease.renew())) leased.lease.assertHeld();
    env.report(describe(`lake ${lakeDir} → ${leased.lake.location}`, await push(leased.lake, lakeDir, { beforeWrite })));
  }
  const siteDir = join(lakeDir, 'site');
  if (env.siteUrl && (await pathExists(siteDir))) {
    const site = env.storeFor(env.siteUrl);
    env.report(describe(`dashboards ${siteDir} → ${site.location}`, await push(site, siteDir, { beforeWrite })));
  }
  return code;
}

/** 15 minutes, renewed every 5; no waiting: a run that finds the lake busy skips. */
export const DEFAULT_LEASE: LeaseSettings = { ttlMs: 15 * 60_000, waitMs: 0, pollMs: 15_000 };

const seconds = (name: string, min: number) =>
  z.coerce
    .number({ error: `${name} must be a number of seconds` })
    .int(`${name} must be whole seconds`)
    .min(min, `${name} must be at least ${min} s`);

const leaseEnvironment = z.object({
  MESHWATCH_LEASE_TTL_SECONDS: seconds('MESHWATCH_LEASE_TTL_SECONDS', 60).optional(),
  MESHWATCH_LEASE_WAIT_SECONDS: seconds('MESHWATCH_LEASE_WAIT_SECONDS', 0).optional(),
  MESHWATCH_LEASE_POLL_SECONDS: seconds('MESHWATCH_LEASE_POLL_SECONDS', 1).optional(),
});

/** The lease timing from the task's environment (set by the pipeline stack), validated. */
export function leaseSettingsFrom(environment: Record<string, string | undefined>): LeaseSettings {
  const parsed = leaseEnvironment.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '), {
      hint: 'set infra.config.yaml runner.lease (ttl_minutes, wait_minutes) and redeploy, or fix the task environment',
    });
  }
  const {
    MESHWATCH_LEASE_TTL_SECONDS: ttl,
    MESHWATCH_LEASE_WAIT_SECONDS: wait,
    MESHWATCH_LEASE_POLL_SECONDS: poll,
  } = parsed.data;
  return {
    ttlMs: (ttl ?? DEFAULT_LEASE.ttlMs / 1000) * 1000,
    waitMs: (wait ?? DEFAULT_LEASE.waitMs / 1000) * 1000,
    pollMs: (poll ?? DEFAULT_LEASE.pollMs / 1000) * 1000,
  };
}

/** The ECS task ARN from the task metadata endpoint (Fargate sets the variable); undefined elsewhere. */
export async function ecsTaskArn(metadataUri: string | undefined): Promise<string | undefined> {
  if (!metadataUri) return undefined;
  try {
    const answer = await fetch(`${metadataUri}/task`, { signal: AbortSignal.timeout(2000) });
    return answer.ok ? ((await answer.json()) as { TaskARN?: string }).TaskARN : undefined;
  } catch {
    return undefined; // only a label in the lease record: a host name does too
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Every S3 call is bounded: connect within 5 s, no request or stalled body over 2 minutes, 3 attempts.
  const s3 = new S3Client({ maxAttempts: 3, requestHandler: timeoutRequestHandler(5_000, 120_000) });
  const start = async () =>
    runWithLake(process.argv.slice(2), {
      lakeUrl: process.env.MESHWATCH_LAKE_S3,
      siteUrl: process.env.MESHWATCH_SITE_S3,
      storeFor: (url) => s3ObjectStore(s3, parseS3Url(url)),
      report: (line) => console.error(line),
      lease: leaseSettingsFrom(process.env),
      task: await ecsTaskArn(process.env.ECS_CONTAINER_METADATA_URI_V4),
    });
  start().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(describeError(error));
      process.exitCode = 1;
    },
  );
}

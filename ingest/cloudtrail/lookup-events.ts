/**
 * CloudTrail LookupEvents for accounts without an org trail: management events of the last 90
 * days, 50 a page, 2 requests per second per account and region (a token bucket each).
 *
 * Each page is saved as a small trail-shaped object under `<lake>/_state/cloudtrail/lookup-events/
 * AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` (one per event day, `Records` holding the
 * parsed `CloudTrailEvent` strings), then the ordinary trail ingest reads that folder — so these
 * events get the same normalising, de-duplication, quarantine and crash safety as the org trail.
 * A checkpoint after every page (`_state/cloudtrail/lookup-events.json`) lets a run resume a pass
 * with its `NextToken`; a finished pass records how far it got, and the next starts there.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { MeshwatchConfig } from '../../lib/config/schema.js';
import type { RunContext } from '../../lib/context.js';
import { describeError } from '../../lib/errors.js';
import { writeFileAtomic } from '../../lib/lake/atomic.js';
import { createAwsAccess } from '../aws/clients.js';
import { PageGuard } from '../aws/paging.js';
import type { CollectOptions } from '../source.js';
import { ingestTrail } from './ingest-trail.js';
import { localTrailSource } from './local-source.js';
import { cloudtrailPaths } from './state-paths.js';
import { tokenBuckets } from './token-bucket.js';

type LookupConfig = NonNullable<NonNullable<MeshwatchConfig['sources']['cloudtrail']>['lookup_events']>;

export interface LookupSummary {
  requests: number;
  records: number;
  written: number;
  quarantinedRecords: number;
  duplicates: number;
  /** Account × region scopes read, and the failed ones (`<account>/<region>: <why>`). */
  scopes: number;
  failures: string[];
}

interface Pass {
  readonly start: string;
  readonly end: string;
  readonly nextToken?: string;
  readonly page: number;
}

interface Checkpoint {
  /** Per `<account>/<region>`: the end of the last finished pass, and the pass in progress. */
  [scope: string]: { completeUntil?: string; pass?: Pass };
}

export interface LookupDependencies {
  /** A CloudTrail client for an account and region (tests pass one aimed at a fake service). */
  readonly clientFor?: (account: string, region: string) => Promise<CloudTrailClient> | CloudTrailClient;
  readonly ratePerSecond?: number;
}

/** Late events reach LookupEvents a few minutes after they happened: each pass overlaps the last. */
const OVERLAP_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export async function collectLookupEvents(
  ctx: RunContext,
  lookup: LookupConfig,
  options: CollectOptions,
  settings: { workers: number },
  dependencies: LookupDependencies = {},
): Promise<LookupSummary> {
  const paths = cloudtrailPaths(ctx.layout);
  const root = ctx.layout.statePath('cloudtrail', 'lookup-events');
  const checkpoint = await loadCheckpoint(paths.lookupCheckpoint);
  const access = dependencies.clientFor
    ? undefined
    : await createAwsAccess(ctx.config, options.signal ? { signal: options.signal } : {});
  const clientFor =
    dependencies.clientFor ??
    ((account: string, region: string) => access!.withDeadline(new CloudTrailClient(access!.clientConfig(account, region))));
  const bucketFor = tokenBuckets({ ratePerSecond: dependencies.ratePerSecond ?? 2, capacity: 1 });
  const accounts = lookup.accounts.filter((account) => !options.accounts || options.accounts.includes(account));
  const regions = options.regions ?? ctx.config.regions;
  const summary: LookupSummary = {
    requests: 0,
    records: 0,
    written: 0,
    quarantinedRecords: 0,
    duplicates: 0,
    scopes: accounts.length * regions.length,
    failures: [],
  };
  let saving: Promise<void> = Promise.resolve();
  const saveCheckpoint = () => {
    // Serialised: account × region scopes run concurrently and share one checkpoint file.
    saving = saving.then(() => writeFileAtomic(paths.lookupCheckpoint, JSON.stringify(checkpoint, null, 1)));
    return saving;
  };

  await Promise.all(
    accounts.flatMap((account) =>
      regions.map(async (region) => {
        const scope = `${account}/${region}`;
        try {
          const client = await clientFor(account, region);
          const bucket = bucketFor(scope);
          const state = checkpoint[scope] ?? {};
          checkpoint[scope] = state;
          let pass = state.pass ?? newPass(ctx.now, lookup.days, state.completeUntil, options);
          const guard = new PageGuard('LookupEvents', { maxPages: ctx.config.network.max_pages });
          for (;;) {
            await bucket.take();
            summary.requests++;
            const page = await client.send(
              new LookupEventsCommand({
                StartTime: new Date(pass.start),
                EndTime: new Date(pass.end),
                MaxResults: 50,
                ...(pass.nextToken ? { NextToken: pass.nextToken } : {}),
              }),
            );
            await savePage(root, account, region, pass, page.Events ?? []);
            if (!page.NextToken) {
              checkpoint[scope] = { completeUntil: pass.end };
              await saveCheckpoint();
              break;
            }
            guard.afterPage(page.NextToken);
            pass = { ...pass, nextToken: page.NextToken, page: pass.page + 1 };
            checkpoint[scope] = { ...state, pass };
            await saveCheckpoint();
          }
        } catch (error) {
          summary.failures.push(`${scope}: ${describeError(error).split('\n')[0]}`);
          ctx.logger.warn(`cloudtrail: LookupEvents ${scope} failed (resumes next run): ${describeError(error)}`);
        }
      }),
    ),
  );
  await saving;

  const ingested = await ingestTrail(
    ctx,
    localTrailSource(root),
    { accounts: lookup.accounts, ...(options.regions ? { regions: options.regions } : {}) },
    { workers: settings.workers, verifyDigests: false },
  ).catch((error) => {
    // No page saved yet (every scope failed or returned nothing): nothing to ingest.
    if ((error as Error).message.startsWith('no AWSLogs folder')) return undefined;
    throw error;
  });
  if (ingested) {
    summary.records = ingested.records;
    summary.written = ingested.written;
    summary.quarantinedRecords = ingested.quarantinedRecords;
    summary.duplicates = ingested.duplicates;
  }
  return summary;
}

function newPass(now: Date, days: number, completeUntil: string | undefined, options: CollectOptions): Pass {
  const oldest = now.getTime() - days * DAY_MS;
  const resumeFrom = completeUntil ? Date.parse(completeUntil) - OVERLAP_MS : oldest;
  const start = Math.max(oldest, options.since?.getTime() ?? oldest, Math.min(resumeFrom, now.getTime()));
  const end = Math.min(now.getTime(), options.until?.getTime() ?? now.getTime());
  return { start: new Date(start).toISOString(), end: new Date(Math.max(start, end)).toISOString(), page: 0 };
}

/** One trail-shaped object per event day of the page. */
async function savePage(root: string, account: string, region: string, pass: Pass, events: readonly Event[]): Promise<void> {
  const byDay = new Map<string, unknown[]>();
  for (const event of events) {
    const record = parseEvent(event);
    const time = (record as { eventTime?: unknown }).eventTime;
    const day =
      typeof time === 'string' && /^\d{4}-\d{2}-\d{2}/.test(time)
        ? time.slice(0, 10)
        : (event.EventTime ?? new Date(0)).toISOString().slice(0, 10);
    const records = byDay.get(day) ?? [];
    records.push(record);
    byDay.set(day, records);
  }
  const passId = pass.start.replace(/[-:.]/g, '').slice(0, 15);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 13);
  for (const [day, records] of byDay) {
    const name = `${account}_CloudTrail_${region}_${stamp}Z_lookup${passId}p${String(pass.page).padStart(5, '0')}.json.gz`;
    const key = join(root, 'AWSLogs', account, 'CloudTrail', region, ...day.split('-'), name);
    await writeFileAtomic(key, gzipSync(JSON.stringify({ Records: records })));
  }
}

/** `CloudTrailEvent` is the record as a JSON string; one that does not parse is kept (and quarantined) as text. */
function parseEvent(event: Event): unknown {
  if (typeof event.CloudTrailEvent !== 'string') return { meshwatchUnparsedEvent: event };
  try {
    return JSON.parse(event.CloudTrailEvent);
  } catch {
    return { meshwatchUnparsedCloudTrailEvent: event.CloudTrailEvent, eventIdFromApi: event.EventId };
  }
}

async function loadCheckpoint(path: string): Promise<Checkpoint> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Checkpoint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/**
 * The `cloudtrail` collector: the org trail from a local copy (`sources.cloudtrail.path`) or the
 * bucket (`sources.cloudtrail.s3`), plus LookupEvents for accounts without an org trail. Returns
 * the StageResult the run summary prints: rows in `cloudtrail` and `cloudtrail_objects`, and the
 * read = written + quarantined + duplicates balance with the integrity counts.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { accountsOfKind } from '../../lib/config/accounts.js';
import type { RunContext, StageProblem, StageResult } from '../../lib/context.js';
import { listFiles } from '../../lib/lake/atomic.js';
import { openDatabase, quoteLiteral } from '../../lib/lake/duckdb.js';
import type { CollectOptions, SourceCollector } from '../source.js';
import { describeSkipped, ingestTrail, type TrailIngestSummary } from './ingest-trail.js';
import { listingPlan } from './listing-plan.js';
import { localTrailSource } from './local-source.js';
import type { LookupSummary } from './lookup-events.js';
import { lookupProblems, trailProblems } from './run-problems.js';
import { cloudtrailPaths } from './state-paths.js';
import type { TrailSource } from './trail-source.js';

/** Where a local trail copy's folder listings are remembered (folder-listing-cache.ts). */
const LOCAL_LISTING_CACHE = 'local-listing.json';

export const cloudtrailCollector: SourceCollector = {
  name: 'cloudtrail',
  description: 'organisation CloudTrail (local copy or S3 bucket) and LookupEvents into lake/cloudtrail',
  collect: collectCloudtrail,
};

export async function collectCloudtrail(ctx: RunContext, options: CollectOptions): Promise<StageResult> {
  const source = ctx.config.sources.cloudtrail;
  if (!source) return { stage: 'cloudtrail', outputs: [], notes: ['not configured'], warnings: 0 };
  const workers = source.workers ?? Math.max(1, Math.min(availableParallelism(), 8));
  const notes: string[] = [];
  const problems: StageProblem[] = [];
  const { quarantineDir } = cloudtrailPaths(ctx.layout);
  const trails = await trailSources(ctx, options.signal);
  for (const trail of trails) {
    const summary = await ingestTrail(ctx, trail, listingPlan(options), {
      workers,
      verifyDigests: source.verify_digests,
      ...(source.batch_rows ? { batchRows: source.batch_rows } : {}),
    });
    notes.push(...describeTrailRun(trail.location, summary, quarantineDir));
    problems.push(...trailProblems(trail.location, summary, quarantineDir));
  }
  // A trail that cannot be read fails the source (it throws); LookupEvents fails per account × region.
  const scopes = { total: trails.length, failed: 0 };
  if (source.lookup_events) {
    const { collectLookupEvents } = await import('./lookup-events.js');
    const lookup = await collectLookupEvents(ctx, source.lookup_events, options, { workers });
    notes.push(...describeLookupRun(lookup));
    problems.push(...lookupProblems(lookup, quarantineDir));
    scopes.total += lookup.scopes;
    scopes.failed += lookup.failures.length;
  }
  const warnings = problems.reduce((sum, problem) => sum + problem.count, 0);
  return { stage: 'cloudtrail', outputs: await datasetRowCounts(ctx), notes, warnings, problems, scopes };
}

async function trailSources(ctx: RunContext, signal: AbortSignal | undefined): Promise<TrailSource[]> {
  const source = ctx.config.sources.cloudtrail;
  const sources: TrailSource[] = [];
  if (source?.path) {
    const listingCache = join(cloudtrailPaths(ctx.layout).stateDir, LOCAL_LISTING_CACHE);
    sources.push(localTrailSource(source.path, { listingCache }));
  }
  if (source?.s3) {
    // The AWS SDK is loaded only for an S3 trail: a local re-run stays fast (see ingest/sources.ts).
    const [{ S3Client }, { createAwsAccess }, { listPublicKeysFor }, { parseS3Url, s3TrailSource }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../aws/clients.js'),
      import('./public-keys-api.js'),
      import('./s3-source.js'),
    ]);
    // The source deadline stops the bucket's requests (network.source_deadline_seconds).
    const access = await createAwsAccess(ctx.config, signal ? { signal } : {});
    // The org-trail bucket lives in the log-archive account (else the management account).
    const bucketAccount =
      accountsOfKind(ctx.config, 'log-archive')[0]?.id ?? accountsOfKind(ctx.config, 'management')[0]?.id ?? '000000000000';
    const region = ctx.config.regions[0] ?? 'us-east-1';
    const client = access.withDeadline(new S3Client(access.s3ClientConfig(bucketAccount, region)));
    sources.push(
      s3TrailSource(client, parseS3Url(source.s3), {
        listPublicKeys: () => listPublicKeysFor(access, bucketAccount, ctx.config.regions, ctx.config.network.max_pages),
        maxPages: ctx.config.network.max_pages,
      }),
    );
  }
  return sources;
}

export function describeTrailRun(location: string, summary: TrailIngestSummary, quarantineDir: string): string[] {
  const notes = [
    `${location}: ${summary.objectsRead} new objects of ${summary.objectsListed} listed; ` +
      `read ${summary.records} records = ${summary.written} written + ${summary.quarantinedRecords} quarantined + ` +
      `${summary.duplicates} duplicates` +
      (summary.conflictingDuplicates > 0
        ? ` (${summary.conflictingDuplicates} dropped copies differ from the kept one: see the quarantine)`
        : '') +
      (summary.replacedEarlier > 0 ? `; ${summary.replacedEarlier} earlier rows replaced by later deliveries` : ''),
    `integrity: ${summary.verification.verified} verified, ${summary.verification.unverified} unverified, ` +
      `${summary.verification.mismatch} mismatch, ${summary.verification.missing} missing` +
      (summary.digestsRead > 0 ? ` (${summary.digestsRead} new digests` : ' (no new digests') +
      `, ${summary.digestsInvalid} invalid, ${summary.chainBreaks} chain breaks)`,
  ];
  if (summary.objectsQuarantined > 0) notes.push(`${summary.objectsQuarantined} objects quarantined whole`);
  const quarantined = Object.entries(summary.quarantinedByReason).sort(([a], [b]) => (a < b ? -1 : 1));
  if (quarantined.length > 0) {
    notes.push(
      `quarantine: ${quarantined.map(([reason, count]) => `${reason} ${count}`).join(', ')} this run, in ${quarantineDir}`,
    );
  }
  if (summary.skipped.insights) notes.push(`skipped ${describeSkipped('insights', summary.skipped.insights)}`);
  if (summary.objectsRefused > 0) {
    notes.push(`${summary.objectsRefused} objects refused unread: unsafe key or symlink out of the copy (in ${quarantineDir})`);
  }
  if (summary.recoveredInterruptedRun) notes.push('completed the publish of an interrupted earlier run');
  return notes;
}

function describeLookupRun(lookup: LookupSummary): string[] {
  const notes = [
    `LookupEvents: ${lookup.requests} requests, read ${lookup.records} records = ${lookup.written} written + ` +
      `${lookup.quarantinedRecords} quarantined + ${lookup.duplicates} duplicates`,
  ];
  for (const failure of lookup.failures) notes.push(`LookupEvents failed for ${failure}`);
  return notes;
}

/** Row counts from Parquet metadata (no data read). */
async function datasetRowCounts(ctx: RunContext): Promise<StageResult['outputs']> {
  const paths = cloudtrailPaths(ctx.layout);
  const outputs: { name: string; rows: number; path: string }[] = [];
  const db = await openDatabase(':memory:');
  try {
    for (const [name, dir] of [
      ['cloudtrail', paths.datasetDir],
      ['cloudtrail_objects', paths.objectsDir],
    ] as const) {
      const files = (await listFiles(dir)).filter((file) => file.endsWith('.parquet') && !file.includes('/.'));
      if (files.length === 0) {
        outputs.push({ name, rows: 0, path: dir });
        continue;
      }
      const rows = await db.all<{ n: number }>(
        `SELECT sum(num_rows) AS n FROM parquet_file_metadata([${files.map(quoteLiteral).join(', ')}])`,
      );
      outputs.push({ name, rows: Number(rows[0]?.n ?? 0), path: dir });
    }
  } finally {
    db.close();
  }
  return outputs;
}

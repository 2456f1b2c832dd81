/**
 * The org-trail ingest: list what is new, read it on every core, and publish it batch by batch.
 *
 *   list (manifest says what is new) → worker threads (objects as AWS writes them: a group read whole
 *   by one DuckDB statement, native-tasks.ts; others: gunzip, parse, hash, normalise in JS; each
 *   worker its own DuckDB → partitioned Parquet) → per batch: new files appended to their partitions,
 *   the few partitions holding a duplicate or a re-read object rebuilt (batch-writer.ts) → journal publish
 *
 * Batches end at a key-day boundary once they hold `batchRows` rows, so memory stays flat however
 * many days a run reads, and a killed run loses at most the batches in progress (re-read next time).
 * A batch is published in the background while the workers parse the next one.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunContext } from '../../lib/context.js';
import { createStagingDir } from '../../lib/lake/atomic.js';
import { type Database, openDatabase, quoteLiteral } from '../../lib/lake/duckdb.js';
import { printable } from '../../lib/lake/safe-path.js';
import type { Logger } from '../../lib/log.js';
import { createProgress } from '../../lib/progress.js';
import { writeBatch } from './batch-writer.js';
import { type ExpectedHash, type IntegrityScan, scanDigests, verdictFor } from './integrity.js';
import { Manifest, type ManifestEntry, type Verification } from './manifest.js';
import { NATIVE_GROUP_FILES } from './native-tasks.js';
import { type ObjectKeyInfo, parseObjectKey, unsafeKeyReason } from './object-key.js';
import type { ObjectTaskResult } from './object-task.js';
import { objectsFileName, stageObjectsShard } from './objects-dataset.js';
import { prefetched } from './prefetch.js';
import { publishWithJournal } from './publish-journal.js';
import { BatchQuarantine } from './quarantine.js';
import { countSkipped, type SkippedObjects, type SkipReason, skipReasonOfLogKey } from './skipped-objects.js';
import { type CloudtrailPaths, cloudtrailPaths, recoverInterruptedRun } from './state-paths.js';
import type { ListingPlan, RefusedObject, TrailObject, TrailSource } from './trail-source.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

export interface TrailIngestSettings {
  readonly workers: number;
  readonly verifyDigests: boolean;
  /** Rows after which a batch is published at the next key-day boundary. */
  readonly batchRows?: number;
  /** DuckDB memory limit for the merge and COPY (it spills to disk beyond it). */
  readonly memoryLimit?: string;
  /** False: every object takes the JS path, none DuckDB's native read (default true; native-tasks.ts). */
  readonly native?: boolean;
}

export interface TrailIngestSummary {
  objectsListed: number;
  objectsRead: number;
  /** Objects DuckDB read whole (native-tasks.ts); the others took the JS path. */
  objectsNative: number;
  objectsQuarantined: number;
  /** Listed entries quarantined unread: an unsafe key (`..`, NUL...) or a symlink out of a local copy. */
  objectsRefused: number;
  records: number;
  written: number;
  quarantinedRecords: number;
  duplicates: number;
  /**
   * Duplicates whose record differs from the copy kept (batch-writer.ts says which copy wins); each
   * dropped copy is kept in the quarantine with reason `conflicting_duplicate`. Counts copies this
   * run dropped, whether read now or by an earlier run.
   */
  conflictingDuplicates: number;
  /** Quarantine entries this run wrote (in `<lake>/_quarantine/cloudtrail`), by reason: objects, records, conflicting duplicates. */
  quarantinedByReason: Record<string, number>;
  bytesRead: number;
  batches: number;
  /** Rows from earlier runs replaced by a later delivery of the same event. */
  replacedEarlier: number;
  missing: number;
  /** Listed objects not read, by why (skipped-objects.ts). */
  skipped: Partial<Record<SkipReason, SkippedObjects>>;
  verification: Record<Verification, number>;
  digestsRead: number;
  digestsInvalid: number;
  chainBreaks: number;
  /** With verify_digests on: the accounts × regions with log objects listed but no digest at all. */
  digestsAbsent: DigestsAbsent[];
  recoveredInterruptedRun: boolean;
}

export interface DigestsAbsent {
  readonly account: string;
  readonly region: string;
  /** Log objects listed there, none of which a digest can verify. */
  readonly objects: number;
}

interface PendingObject {
  readonly object: TrailObject;
  readonly info: ObjectKeyInfo;
}

interface Batch {
  readonly number: number;
  readonly stageDir: string;
  /** Where the workers write the batch's partitioned Parquet (row-store.ts). */
  readonly rowsDir: string;
  readonly entries: Map<string, ManifestEntry>;
  readonly quarantine: BatchQuarantine;
  rows: number;
  lastDay: string | null;
}

const DEFAULT_BATCH_ROWS = 250_000;
/** The quarantine reason of a dropped copy of an event whose content differs from the kept copy's. */
export const CONFLICTING_DUPLICATE = 'conflicting_duplicate';
const INPUT_PREFETCH = 16;
/**
 * The main thread's DuckDB reads keys and rebuilds the partitions holding a duplicate (or too many
 * files). 256 MB ran out on the 10M trail while the rebuild's Parquet writer buffered DuckDB's
 * default row group (122,880 rows); with batch-writer.ts's smaller row groups and a one-thread
 * rebuild it holds (with one retry at twice the limit), and the process's peak RSS there fell from
 * ~940 to ~830 MiB (bench/RESULTS.md).
 */
const MAIN_MEMORY_LIMIT = '256MB';
/** Each worker's DuckDB: native groups and the JS path's batch table (spilled beyond this; bench/RESULTS.md). */
const WORKER_MEMORY_LIMIT = '128MB';
/** Rows of one batch a worker holds before writing them out early (bounds its spill files). */
const WORKER_MAX_ROWS = 36_000;

function mainMemoryLimit(settings: TrailIngestSettings): string {
  return settings.memoryLimit ?? MAIN_MEMORY_LIMIT;
}

export async function ingestTrail(
  ctx: RunContext,
  source: TrailSource,
  plan: ListingPlan,
  settings: TrailIngestSettings,
): Promise<TrailIngestSummary> {
  const paths = cloudtrailPaths(ctx.layout);
  const recovery = await recoverInterruptedRun(paths);
  if (recovery.recovered) ctx.logger.info('cloudtrail: finished publishing a batch an interrupted run left behind');
  const manifest = await Manifest.load(paths.stateDir);
  const summary = emptySummary(recovery.recovered);

  const integrity: IntegrityScan = settings.verifyDigests
    ? await scanDigests(source, plan, manifest, ctx.logger)
    : { expected: new Map(), digestsRead: 0, digestsInvalid: 0, chainBreaks: 0, digestScopes: new Set<string>() };
  Object.assign(summary, {
    digestsRead: integrity.digestsRead,
    digestsInvalid: integrity.digestsInvalid,
    chainBreaks: integrity.chainBreaks,
  });

  const pending: PendingObject[] = [];
  const listed = new Set<string>();
  const logScopes = new Map<string, number>();
  const refused: RefusedKey[] = [];
  for await (const object of source.list(plan, 'CloudTrail')) {
    const refusal = refusalOf(object);
    if (refusal) {
      refused.push({ key: object.key, ...refusal });
      ctx.logger.warn(`cloudtrail: refused ${printable(object.key)}: ${refusal.detail}`);
      continue;
    }
    const info = parseObjectKey(object.key);
    if (info?.kind !== 'log') {
      countSkipped(summary.skipped, skipReasonOfLogKey(object.key), object.key);
      continue;
    }
    listed.add(object.key);
    const scope = `${info.accountId}/${info.region}`;
    logScopes.set(scope, (logScopes.get(scope) ?? 0) + 1);
    summary.objectsListed++;
    if (manifest.needsProcessing(object.key, object.size, object.version)) pending.push({ object, info });
  }
  for await (const object of source.list(plan, 'CloudTrail-Insight')) countSkipped(summary.skipped, 'insights', object.key);
  warnSkipped(summary, source.location, ctx.logger);
  if (settings.verifyDigests) {
    summary.digestsAbsent = absentDigests(logScopes, integrity.digestScopes);
    for (const absent of summary.digestsAbsent) {
      ctx.logger.warn(
        `cloudtrail: NO DIGEST for account ${absent.account} in ${absent.region}: none of its ${absent.objects} ` +
          'listed log object(s) can be verified (is log file validation on for the trail, and are its CloudTrail-Digest/ ' +
          'files where the logs are?)',
      );
    }
  }
  // Day by day, all accounts and regions of a day together: a batch then touches whole partitions
  // (event_date × account), so the workers write few, larger files.
  pending.sort(byDayThenKey);
  const manifestChanged = await applyDigestsToKnownObjects(manifest, integrity.expected, listed, source, summary, ctx);

  summary.objectsRefused = refused.length;
  if (pending.length === 0 && refused.length === 0 && !manifestChanged && !manifest.hasChanges()) {
    countVerification(manifest, summary);
    return summary;
  }
  const runDir = await createStagingDir(paths.tmpDir, 'cloudtrail');
  const db = await openDatabase(':memory:', {
    memoryLimit: mainMemoryLimit(settings),
    threads: settings.workers,
  });
  const pool =
    pending.length > 0
      ? createWorkerPool(settings.workers, {
          tempDir: join(runDir, 'workers'),
          memoryLimit: WORKER_MEMORY_LIMIT,
          maxRows: WORKER_MAX_ROWS,
          native: settings.native ?? true,
        })
      : undefined;
  try {
    // Every open partition writer (days × accounts) holds buffers: the defaults ran out of 512 MB on the
    // 270 partitions of the sample's month. Few open files and a low flush threshold bound memory by
    // a constant instead (a partition may then get a second file; the next merge of it compacts them).
    await db.run(
      `SET temp_directory = ${quoteLiteral(join(runDir, 'spill'))}; SET preserve_insertion_order = false;
       SET partitioned_write_flush_threshold = 4096; SET partitioned_write_max_open_files = 16`,
    );
    if (pool) {
      await readObjects({ ctx, source, pending, refused, settings, integrity, manifest, summary, pool, db, paths, runDir });
    } else {
      const batch = await newBatch(runDir, 0, refused);
      const memoryLimit = mainMemoryLimit(settings);
      await publishBatch({ db, manifest, paths, batch, runId: runIdOf(runDir), logger: ctx.logger, memoryLimit });
    }
  } finally {
    await pool?.close();
    db.close();
    await rm(runDir, { recursive: true, force: true });
  }
  countVerification(manifest, summary);
  return summary;
}

interface ReadContext {
  readonly ctx: RunContext;
  readonly source: TrailSource;
  readonly pending: readonly PendingObject[];
  readonly refused: readonly RefusedKey[];
  readonly settings: TrailIngestSettings;
  readonly integrity: IntegrityScan;
  readonly manifest: Manifest;
  readonly summary: TrailIngestSummary;
  readonly pool: WorkerPool;
  readonly db: Database;
  readonly paths: CloudtrailPaths;
  readonly runDir: string;
}

async function readObjects(read: ReadContext): Promise<void> {
  const { pending, pool, summary, settings } = read;
  const batchRows = settings.batchRows ?? DEFAULT_BATCH_ROWS;
  const progress = createProgress({ label: 'cloudtrail', logger: read.ctx.logger });
  const startedAt = Date.now();
  const runId = runIdOf(read.runDir);
  let batch = await newBatch(read.runDir, 0, read.refused);
  const inFlight = new Set<Promise<void>>();
  let batchTasks: Promise<void>[] = [];
  // A worker answers the objects DuckDB reads whole a group at a time (native-tasks.ts): keep more
  // than a group a worker in flight, so groups fill up instead of being written half empty.
  const maxInFlight = pool.size * (NATIVE_GROUP_FILES + 32);
  let nextId = 0;
  // One publish (DuckDB merge + COPY) runs while the workers already parse the next batch.
  let publishing: Promise<void> = Promise.resolve();
  const publishInBackground = async (finished: Batch, tasks: Promise<void>[]) => {
    const waitedAt = Date.now();
    await publishing;
    if (Date.now() - waitedAt > 50)
      read.ctx.logger.debug(`cloudtrail: parsing waited ${Date.now() - waitedAt} ms for the previous publish`);
    publishing = Promise.all(tasks)
      .then(() => pool.finishBatch(finished.number))
      .then(() =>
        publishBatch({
          db: read.db,
          manifest: read.manifest,
          paths: read.paths,
          batch: finished,
          runId,
          logger: read.ctx.logger,
          memoryLimit: mainMemoryLimit(read.settings),
        }),
      )
      .then((counts) => addPublished(summary, counts));
    // Awaited at the next boundary or at the end; this only keeps Node from reporting it early.
    publishing.catch(() => undefined);
  };

  // Local files are read by the workers; S3 objects are fetched here, a window of them in flight.
  for await (const [item, input] of prefetched(pending, (next) => read.source.input(next.object), INPUT_PREFETCH)) {
    if (batch.rows >= batchRows && batch.lastDay !== item.info.logDate) {
      await publishInBackground(batch, batchTasks);
      batchTasks = [];
      batch = await newBatch(read.runDir, batch.number + 1);
    }
    batch.lastDay = item.info.logDate;
    const current = batch;
    const task = pool
      .run({
        id: nextId++,
        origin: { sourceObject: item.object.key, deliveredAt: item.info.deliveredAt, keyAccountId: item.info.accountId },
        hash: settings.verifyDigests,
        batch: current.number,
        outputDir: current.rowsDir,
        ...input,
      })
      .then(async (result) => {
        await recordResult(read, current, item, result);
        progress.update({
          done: summary.objectsRead,
          total: pending.length,
          extra: {
            events: summary.records,
            'MB/s': (summary.bytesRead / 1e6 / Math.max(0.001, (Date.now() - startedAt) / 1000)).toFixed(1),
          },
        });
      });
    const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    batchTasks.push(tracked);
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  }
  await publishInBackground(batch, batchTasks);
  await publishing;
  read.ctx.logger.debug(`cloudtrail: ${summary.objectsNative} of ${summary.objectsRead} objects read natively by DuckDB`);
  progress.done(
    `${summary.objectsRead} objects, ${summary.records} records: ${summary.written} written, ` +
      `${summary.quarantinedRecords} quarantined, ${summary.duplicates} duplicates`,
  );
}

async function recordResult(read: ReadContext, batch: Batch, item: PendingObject, result: ObjectTaskResult): Promise<void> {
  const { summary } = read;
  const key = item.object.key;
  summary.objectsRead++;
  if (result.native) summary.objectsNative++;
  summary.records += result.records;
  summary.written += result.rows;
  summary.bytesRead += result.bytesRead;
  summary.quarantinedRecords += result.quarantinedRecords.length;
  batch.rows += result.rows;
  for (const problem of result.quarantinedRecords) {
    batch.quarantine.addRecord(key, problem.index, problem.reason, problem.detail, problem.record);
    countReason(summary, problem.reason);
  }
  if (result.objectProblem) {
    summary.objectsQuarantined++;
    countReason(summary, result.objectProblem.reason);
    batch.quarantine.addObject(key, result.objectProblem.reason, result.objectProblem.detail, await read.source.read(key));
    read.ctx.logger.warn(`cloudtrail: quarantined ${key}: ${result.objectProblem.reason} (${result.objectProblem.detail})`);
  }
  const verdict = read.settings.verifyDigests
    ? verdictFor(read.integrity.expected.get(key), result.sha256)
    : { verification: 'unverified' as const, detail: 'digest verification is off (sources.cloudtrail.verify_digests)' };
  if (verdict.verification === 'mismatch') read.ctx.logger.warn(`cloudtrail: integrity mismatch for ${key}: ${verdict.detail}`);
  batch.entries.set(key, {
    object_key: key,
    account_id: item.info.accountId,
    region: item.info.region,
    log_date: item.info.logDate,
    delivered_at: item.info.deliveredAt,
    size_bytes: item.object.size,
    etag_or_mtime: item.object.version,
    records: result.records,
    written: result.rows,
    quarantined: result.quarantinedRecords.length,
    duplicates: 0,
    status: result.objectProblem ? 'quarantined' : 'ok',
    verification: verdict.verification,
    verification_detail: verdict.detail,
    ingested_at: sqlTimestamp(new Date()),
    sha256: result.sha256,
  });
}

interface PublishedCounts {
  /** Rows of this batch's objects dropped as duplicates. */
  readonly duplicatesInBatch: number;
  /** Rows of earlier runs replaced by a later delivery in this batch. */
  readonly replacedEarlier: number;
  /** Dropped copies (of either kind above) whose content differs from the kept copy's. */
  readonly conflicting: number;
}

interface PublishInput {
  readonly db: Database;
  readonly manifest: Manifest;
  readonly paths: CloudtrailPaths;
  readonly batch: Batch;
  readonly runId: string;
  readonly logger: Logger;
  /** The main DuckDB's memory limit (a rebuild that runs out retries with twice this). */
  readonly memoryLimit: string;
}

/** Writes the batch's partitions, quarantine, manifest and objects file, then publishes them in one journal. */
async function publishBatch({ db, manifest, paths, batch, runId, logger, memoryLimit }: PublishInput): Promise<PublishedCounts> {
  const startedAt = Date.now();
  const outputDir = join(batch.stageDir, 'dataset');
  await mkdir(outputDir, { recursive: true });
  const written = await writeBatch({
    db,
    rowsDir: batch.rowsDir,
    datasetDir: paths.datasetDir,
    outputDir,
    batchObjects: [...batch.entries.keys()],
    fileTag: `${runId}-${batch.number}`,
    memoryLimit,
  });
  const copiedAt = Date.now();
  for (const copy of written.conflicting) {
    batch.quarantine.addRecord(
      copy.sourceObject,
      null,
      CONFLICTING_DUPLICATE,
      `eventID ${copy.eventId} is also in ${copy.keptObject} with other content: that copy is kept ` +
        '(the latest delivery wins, then the greater object key)' +
        (copy.keptAddendum ? `; it carries addendum ${copy.keptAddendum}, CloudTrail's re-delivery of the event` : ''),
      copy.record,
    );
  }
  if (written.conflicting.length > 0) {
    logger.warn(
      `cloudtrail: ${written.conflicting.length} event(s) delivered twice with different content, e.g. eventID ` +
        `${written.conflicting[0]?.eventId} in ${written.conflicting[0]?.sourceObject}; the dropped copies are kept ` +
        `in ${paths.quarantineDir} (reason ${CONFLICTING_DUPLICATE})`,
    );
  }
  for (const entry of batch.entries.values()) await manifest.put(entry);
  for (const [key, count] of written.duplicatesByObject) {
    await manifest.update(key, (entry) => {
      entry.duplicates += count;
      entry.written -= count;
    });
  }
  const quarantineMoves = await batch.quarantine.stage(
    join(batch.stageDir, 'quarantine'),
    paths.quarantineDir,
    `${runId}-${String(batch.number).padStart(4, '0')}`,
  );
  const staged = await manifest.stage(batch.stageDir, objectsFileName);
  const objectsMoves = [];
  for (const { shard, entries } of staged.shards) {
    const from = await stageObjectsShard(db, shard, entries, batch.stageDir);
    objectsMoves.push({ from, to: join(paths.objectsDir, objectsFileName(shard)) });
  }
  await publishWithJournal(paths.journal, {
    version: 1,
    stagingDir: batch.stageDir,
    // The objects dataset holds exactly one file per manifest shard (this also removes the single
    // objects.parquet a v1 manifest wrote).
    partitions: [...written.partitions, { dir: paths.objectsDir, files: staged.objectsFiles }],
    moves: [
      ...written.moves,
      ...quarantineMoves,
      ...objectsMoves,
      // The manifest (its shards, then its index) moves last: until the index is in place, a re-run
      // reads the batch's objects again.
      ...staged.moves,
    ],
  });
  logger.debug(
    `cloudtrail: batch ${batch.number}: ${batch.rows} rows, ${written.partitions.length} partitions; ` +
      `merge + COPY ${copiedAt - startedAt} ms, stage + publish ${Date.now() - copiedAt} ms`,
  );
  let inBatch = 0;
  for (const [key, count] of written.duplicatesByObject) if (batch.entries.has(key)) inBatch += count;
  return {
    duplicatesInBatch: inBatch,
    replacedEarlier: sumValues(written.duplicatesByObject) - inBatch,
    conflicting: written.conflicting.length,
  };
}

/**
 * Objects read by earlier runs get their verdict as soon as a digest naming them arrives; objects a
 * digest names that exist nowhere become `missing` rows. Returns true when the manifest changed.
 */
async function applyDigestsToKnownObjects(
  manifest: Manifest,
  expected: Map<string, ExpectedHash>,
  listed: Set<string>,
  source: TrailSource,
  summary: TrailIngestSummary,
  ctx: RunContext,
): Promise<boolean> {
  let changed = expected.size > 0;
  for (const [key, expectation] of expected) {
    const entry = await manifest.get(key);
    if (entry && entry.status !== 'missing') {
      const verdict = verdictFor(expectation, entry.sha256);
      await manifest.update(key, (known) => {
        known.verification = verdict.verification;
        known.verification_detail = verdict.detail;
      });
      if (verdict.verification === 'mismatch') ctx.logger.warn(`cloudtrail: integrity mismatch for ${key}: ${verdict.detail}`);
      continue;
    }
    if (listed.has(key) || (await source.exists(key))) continue;
    const info = parseObjectKey(key);
    summary.missing++;
    changed = true;
    ctx.logger.warn(`cloudtrail: MISSING log file ${key}: digest ${expectation.digestKey} names it, the trail does not have it`);
    await manifest.put({
      object_key: key,
      account_id: info?.accountId ?? null,
      region: info?.region ?? null,
      log_date: info?.logDate ?? null,
      delivered_at: info?.deliveredAt ?? null,
      size_bytes: 0,
      etag_or_mtime: '',
      records: 0,
      written: 0,
      quarantined: 0,
      duplicates: 0,
      status: 'missing',
      verification: 'missing',
      verification_detail: `named by digest ${expectation.digestKey} but absent from the trail`,
      ingested_at: sqlTimestamp(new Date()),
      sha256: null,
    });
  }
  return changed;
}

/** A new batch; the first of a run also carries the listed entries refused unread. */
async function newBatch(runDir: string, number: number, refused: readonly RefusedKey[] = []): Promise<Batch> {
  const stageDir = join(runDir, `batch-${number}`);
  const rowsDir = join(stageDir, 'rows');
  await mkdir(rowsDir, { recursive: true });
  const quarantine = new BatchQuarantine();
  for (const entry of refused) quarantine.addObject(entry.key, entry.reason, entry.detail, null);
  return {
    number,
    stageDir,
    rowsDir,
    entries: new Map(),
    quarantine,
    rows: 0,
    lastDay: null,
  };
}

interface RefusedKey extends RefusedObject {
  readonly key: string;
}

/** Why a listed entry is quarantined unread (the source's refusal, or a key no trail file has), or null. */
function refusalOf(object: TrailObject): RefusedObject | null {
  if (object.refused) return object.refused;
  const unsafe = unsafeKeyReason(object.key);
  return unsafe ? { reason: 'unsafe_key', detail: `${unsafe}; CloudTrail never writes such a key` } : null;
}

function byDayThenKey(a: PendingObject, b: PendingObject): number {
  if (a.info.logDate !== b.info.logDate) return a.info.logDate < b.info.logDate ? -1 : 1;
  return a.object.key < b.object.key ? -1 : a.object.key > b.object.key ? 1 : 0;
}

function countVerification(manifest: Manifest, summary: TrailIngestSummary): void {
  summary.verification = manifest.verificationCounts();
}

function addPublished(summary: TrailIngestSummary, published: PublishedCounts): void {
  summary.batches++;
  summary.duplicates += published.duplicatesInBatch;
  summary.written -= published.duplicatesInBatch;
  summary.replacedEarlier += published.replacedEarlier;
  summary.conflictingDuplicates += published.conflicting;
  if (published.conflicting > 0) countReason(summary, CONFLICTING_DUPLICATE, published.conflicting);
}

/** The accounts × regions holding log objects but no digest (one entry each, sorted). */
function absentDigests(logScopes: ReadonlyMap<string, number>, digestScopes: ReadonlySet<string>): DigestsAbsent[] {
  return [...logScopes]
    .filter(([scope]) => !digestScopes.has(scope))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([scope, objects]) => {
      const [account, region] = scope.split('/') as [string, string];
      return { account, region, objects };
    });
}

const SKIPPED_WHY: Record<SkipReason, string> = {
  day_folder_not_a_date: 'in a day folder that is not a date: their events cannot be placed in a day',
  not_a_log_object: 'under CloudTrail/ not named as CloudTrail names its log files',
  insights: 'under CloudTrail-Insight/: meshwatch does not collect CloudTrail Insights events',
};

/** One loud line per kind of object the run lists but does not read. */
function warnSkipped(summary: TrailIngestSummary, location: string, logger: Logger): void {
  for (const [reason, skipped] of Object.entries(summary.skipped) as [SkipReason, SkippedObjects][]) {
    logger.warn(`cloudtrail: ${location}: skipped ${describeSkipped(reason, skipped)}`);
  }
}

/** `3 object(s) in a day folder that is not a date: … (e.g. <key>)` */
export function describeSkipped(reason: SkipReason, skipped: SkippedObjects): string {
  return `${skipped.count} ${skippedWhat(reason, skipped)}`;
}

/** The words after the count: `object(s) in a day folder that is not a date: … (e.g. <key>)` */
export function skippedWhat(reason: SkipReason, skipped: SkippedObjects): string {
  return `object(s) ${SKIPPED_WHY[reason]} (e.g. ${skipped.example})`;
}

function countReason(summary: TrailIngestSummary, reason: string, count = 1): void {
  summary.quarantinedByReason[reason] = (summary.quarantinedByReason[reason] ?? 0) + count;
}

function emptySummary(recovered: boolean): TrailIngestSummary {
  return {
    objectsListed: 0,
    objectsRead: 0,
    objectsNative: 0,
    objectsQuarantined: 0,
    objectsRefused: 0,
    records: 0,
    written: 0,
    quarantinedRecords: 0,
    duplicates: 0,
    conflictingDuplicates: 0,
    quarantinedByReason: {},
    bytesRead: 0,
    batches: 0,
    replacedEarlier: 0,
    missing: 0,
    skipped: {},
    verification: { verified: 0, unverified: 0, mismatch: 0, missing: 0 },
    digestsRead: 0,
    digestsInvalid: 0,
    chainBreaks: 0,
    digestsAbsent: [],
    recoveredInterruptedRun: recovered,
  };
}

function runIdOf(runDir: string): string {
  return (
    new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z') + `-${runDir.slice(-6)}`
  );
}

function sqlTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function sumValues(map: Map<string, number>): number {
  let total = 0;
  for (const value of map.values()) total += value;
  return total;
}

/**
 * The one retry with twice the DuckDB memory limit when a statement runs out of memory: the
 * worker's COPY of a batch (row-store.ts) and the native path's statement (native-batch.ts), which
 * goes back to the JS path when the retry runs out too. Out-of-memory is injected deterministically
 * by a Database wrapper whose `run` fails on the COPY statement (with DuckDB's own message) before
 * delegating to a real DuckDB; everything else, including the memory setting, is real.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeBatch } from '../../../ingest/cloudtrail/batch-writer.js';
import { type NativeItem, writeNativeGroup } from '../../../ingest/cloudtrail/native-batch.js';
import { examineForNative } from '../../../ingest/cloudtrail/native-eligibility.js';
import { runObjectTask } from '../../../ingest/cloudtrail/object-task.js';
import { doubledLimit, RowStore, withDoubledMemory } from '../../../ingest/cloudtrail/row-store.js';
import { LakeError } from '../../../lib/errors.js';
import { listFiles } from '../../../lib/lake/atomic.js';
import { type Database, openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { readParquetUnder, record, tempDir } from './helpers.js';

const SALES = '311111111111';
const LIMIT = '128MB';
const DOUBLED = '256MB';
/** What DuckDB reports when an allocation fails, as lib/lake/duckdb.ts passes it on. */
const OUT_OF_MEMORY = 'Out of Memory Error: failed to allocate data of size 64.0 MiB (128.0 MiB/128.0 MiB used)';

async function currentLimit(db: Database): Promise<string> {
  const [row] = await db.all<{ limit: string }>(`SELECT current_setting('memory_limit') AS "limit"`);
  return String(row?.limit);
}

/** How DuckDB itself prints a memory limit once set (its own units and rounding). */
async function printedLimit(limit: string): Promise<string> {
  const db = await openDatabase(':memory:', { threads: 1 });
  try {
    await db.run(`SET memory_limit = ${quoteLiteral(limit)}`);
    return await currentLimit(db);
  } finally {
    db.close();
  }
}

interface FlakyDatabase extends Database {
  /** COPY statements that reached the real DuckDB, with the memory limit each ran under. */
  readonly copiesRun: string[];
  /** DuckDB's thread count for each COPY that ran. */
  readonly copyThreads: number[];
  /** COPY statements failed on purpose. */
  failed: number;
}

/**
 * `real`, except that the first `failures` COPY statements throw DuckDB's out-of-memory error
 * (wrapped as `Database.run` wraps every DuckDB error) instead of running, leaving a partial file
 * in the COPY's target folder as a partitioned COPY that ran out midway does.
 */
function failingCopies(real: Database, failures: number): FlakyDatabase {
  const flaky: FlakyDatabase = {
    connection: real.connection,
    path: real.path,
    copiesRun: [],
    copyThreads: [],
    failed: 0,
    all: (sql, params) => real.all(sql, params),
    close: () => real.close(),
    async run(sql, params) {
      if (/^\s*COPY\b/i.test(sql)) {
        if (flaky.failed < failures) {
          flaky.failed++;
          await leavePartialFile(sql);
          throw new LakeError(`query failed: ${OUT_OF_MEMORY}`, { cause: new Error(OUT_OF_MEMORY), context: { sql } });
        }
        flaky.copiesRun.push(await currentLimit(real));
        const [setting] = await real.all<{ threads: number }>(`SELECT current_setting('threads') AS threads`);
        flaky.copyThreads.push(Number(setting?.threads));
      }
      await real.run(sql, params);
    },
  };
  return flaky;
}

/** Writes a truncated Parquet file where the COPY statement `sql` writes its first partition. */
async function leavePartialFile(sql: string): Promise<void> {
  const target = /\)\s*TO '([^']+)'/.exec(sql)?.[1];
  if (!target) throw new Error('the COPY statement names no target folder');
  const partition = join(target, 'event_date=2026-10-01', `account_id=${SALES}`);
  await mkdir(partition, { recursive: true });
  await writeFile(join(partition, 'part-0.parquet'), 'PAR1 cut short');
}

describe('withDoubledMemory', () => {
  it('runs the work with twice the memory limit and sets the limit back afterwards', async () => {
    // Prepare
    const db = await openDatabase(':memory:', { threads: 1, memoryLimit: LIMIT });
    const usual = await printedLimit(LIMIT);
    const doubled = await printedLimit(DOUBLED);

    // Act
    const during = await withDoubledMemory(db, LIMIT, () => currentLimit(db));
    const after = await currentLimit(db);
    db.close();

    // Assess
    expect(doubled).not.toBe(usual);
    expect(during).toBe(doubled);
    expect(after).toBe(usual);
  });

  it('sets the limit back when the work throws, and lets the error through', async () => {
    // Prepare
    const db = await openDatabase(':memory:', { threads: 1, memoryLimit: LIMIT });
    const failure = new Error('the work failed');
    let during = '';

    // Act
    const outcome = withDoubledMemory(db, LIMIT, async () => {
      during = await currentLimit(db);
      throw failure;
    });

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(during).toBe(await printedLimit(DOUBLED));
    expect(await currentLimit(db)).toBe(await printedLimit(LIMIT));
    db.close();
  });
});

describe('doubledLimit', () => {
  it('doubles a limit in any unit DuckDB accepts, and DuckDB takes the result', async () => {
    // Prepare
    const limits = ['128MB', '1GB', '1.5GiB', '512 MiB', '4000KB'];

    // Act
    const doubled = limits.map(doubledLimit);

    // Assess
    expect(doubled).toEqual(['256MB', '2GB', '3GiB', '1024MiB', '8000KB']);
    expect(await printedLimit(doubled[2] as string)).toBe(await printedLimit('3GiB'));
    expect(await printedLimit(doubled[2] as string)).not.toBe(await printedLimit('1.5GiB'));
  });

  it('refuses a limit it cannot read rather than retrying with the same one', () => {
    expect(() => doubledLimit('80%')).toThrow(/cannot double the DuckDB memory limit "80%"/);
  });
});

describe('writeNativeGroup when DuckDB runs out of memory', () => {
  async function nativeItems(dir: string): Promise<NativeItem<string>[]> {
    const objects: Record<string, unknown[]> = {
      'first.json.gz': [record({ eventID: 'a-1' }), record({ eventID: 'a-2', eventTime: 'soon' }), record({ eventID: 'a-3' })],
      'second.json.gz': [
        record({ eventID: 'b-1', recipientAccountId: '322222222222', eventTime: '2026-10-02T08:00:00Z' }),
        record({ eventID: 'b-2', requestParameters: null, responseElements: { nested: [1, true, null] } }),
      ],
    };
    const items: NativeItem<string>[] = [];
    for (const [name, records] of Object.entries(objects)) {
      const path = join(dir, name);
      await writeFile(path, gzipSync(JSON.stringify({ Records: records })));
      const candidate = examineForNative(await readFile(path));
      if (!candidate) throw new Error(`${name} should pass the byte check`);
      items.push({
        object: { path, sourceObject: name, deliveredAt: '2026-10-01 10:05:00', keyAccountId: SALES },
        candidate,
        tag: name,
      });
    }
    return items;
  }

  async function writeGroup(dir: string, label: string, failures: number) {
    const items = await nativeItems(dir);
    const real = await openDatabase(':memory:', { threads: 1, memoryLimit: LIMIT });
    const db = failingCopies(real, failures);
    const out = join(dir, label);
    const targets: string[] = [];
    const outcomes = await writeNativeGroup({
      db,
      items,
      memoryLimit: LIMIT,
      nextTarget: () => {
        targets.push(join(out, `attempt-${targets.length}`));
        return targets.at(-1) as string;
      },
    });
    const limitAfter = await currentLimit(real);
    real.close();
    const summary = outcomes.map((outcome) => [outcome.item.tag, outcome.kind, outcome.uncertain]);
    return { db, out, targets, limitAfter, summary: summary.sort(), rows: await readParquetUnder(out) };
  }

  it('retries once with twice the memory limit and writes the group natively, as a run that never ran out', async () => {
    // Prepare
    const dir = await tempDir('oom-native');

    // Act
    const control = await writeGroup(dir, 'control', 0);
    const retried = await writeGroup(dir, 'retried', 1);

    // Assess: the same outcomes and rows as the control; the COPY that ran had the doubled limit.
    expect(control.summary).toEqual([
      ['first.json.gz', 'native', [1]],
      ['second.json.gz', 'native', []],
    ]);
    expect(retried.summary).toEqual(control.summary);
    expect(control.rows.map((row) => row.event_id)).toEqual(['a-1', 'a-3', 'b-1', 'b-2']);
    expect(retried.rows).toEqual(control.rows);
    expect(retried.db.failed).toBe(1);
    expect(retried.db.copiesRun).toEqual([await printedLimit(DOUBLED)]);
    expect(control.db.copiesRun).toEqual([await printedLimit(LIMIT)]);
    expect(retried.limitAfter).toBe(await printedLimit(LIMIT));
    // The failed attempt's folder is gone; the rows sit in the retry's folder only.
    expect(retried.targets.map((target) => existsSync(target))).toEqual([false, true]);
  });

  it('sends every object to the JS path, leaving no file behind, when the retry runs out too', async () => {
    // Prepare
    const dir = await tempDir('oom-native-twice');

    // Act
    const twice = await writeGroup(dir, 'twice', 2);

    // Assess: two attempts (no third), every object `whole`, nothing written, the limit back.
    expect(twice.summary).toEqual([
      ['first.json.gz', 'whole', []],
      ['second.json.gz', 'whole', []],
    ]);
    expect(twice.db.failed).toBe(2);
    expect(twice.db.copiesRun).toEqual([]);
    expect(twice.targets).toHaveLength(2);
    expect(twice.targets.some((target) => existsSync(target))).toBe(false);
    expect(await listFiles(twice.out).catch(() => [])).toEqual([]);
    expect(twice.limitAfter).toBe(await printedLimit(LIMIT));
  });
});

describe('RowStore when DuckDB runs out of memory', () => {
  const origin = {
    sourceObject: 'AWSLogs/o-x/311111111111/CloudTrail/us-east-1/2026/10/01/k.json.gz',
    deliveredAt: '2026-10-01 10:05:00',
    keyAccountId: SALES,
  };
  const RECORDS = [
    record({ eventID: 'plain', readOnly: 'false' }),
    record({ eventID: 'other-day', eventTime: '2026-10-02T23:59:59.250Z', recipientAccountId: '322222222222' }),
    record({ eventID: 'float', additionalEventData: { bytesTransferredIn: 1.5 } }),
  ];

  /** A worker store fed one object's records, its COPYs failing `failures` times first. */
  async function fedStore(dir: string, failures: number) {
    const out = join(dir, 'out');
    await mkdir(out, { recursive: true });
    const store = await RowStore.open({ tempDir: join(dir, 'tmp'), memoryLimit: LIMIT, maxRows: 1_000_000, workerId: 3 });
    const real = store.database;
    const db = failingCopies({ ...real }, failures);
    // RowStore keeps the very object `database` returns: its COPY now goes through the wrapper.
    real.run = db.run;
    await runObjectTask(
      { id: 1, origin, bytes: Buffer.from(JSON.stringify({ Records: RECORDS })), hash: false, batch: 0, outputDir: out },
      store,
    );
    return { store, real, db, out };
  }

  it('retries the COPY once with twice the memory limit and writes the same rows as a run that never ran out', async () => {
    // Prepare
    const dir = await tempDir('oom-rows');
    const control = await fedStore(join(dir, 'control'), 0);
    const retried = await fedStore(join(dir, 'retried'), 1);

    // Act
    const controlWritten = await control.store.finish(0);
    const retriedWritten = await retried.store.finish(0);
    const limitAfter = await currentLimit(retried.real);
    control.store.close();
    retried.store.close();

    // Assess
    expect(controlWritten).toBe(3);
    expect(retriedWritten).toBe(controlWritten);
    const rows = await readParquetUnder(retried.out);
    expect(rows.map((row) => row.event_id)).toEqual(['float', 'other-day', 'plain']);
    expect(rows).toEqual(await readParquetUnder(control.out));
    expect(retried.db.failed).toBe(1);
    expect(retried.db.copiesRun).toEqual([await printedLimit(DOUBLED)]);
    expect(control.db.copiesRun).toEqual([await printedLimit(LIMIT)]);
    expect(limitAfter).toBe(await printedLimit(LIMIT));
    // The failed COPY's folder is gone: only the retry's files are left to publish.
    expect(await readdir(retried.out)).toEqual(['w3-1']);
  });

  it('lets the error through, with the usual limit back and no partial file left, when the retry runs out too', async () => {
    // Prepare
    const dir = await tempDir('oom-rows-twice');
    const twice = await fedStore(dir, 2);

    // Act
    const outcome = twice.store.finish(0);

    // Assess
    await expect(outcome).rejects.toThrow(/Out of Memory/);
    expect(twice.db.failed).toBe(2);
    expect(twice.db.copiesRun).toEqual([]);
    expect(await currentLimit(twice.real)).toBe(await printedLimit(LIMIT));
    expect(await listFiles(twice.out)).toEqual([]);
    twice.store.close();
  });
});

describe('writeBatch when the rebuild of a partition runs out of memory', () => {
  const sourceOf = (name: string) => `AWSLogs/o-x/311111111111/CloudTrail/us-east-1/2026/10/01/${name}.json.gz`;

  /** A batch folder as the workers leave it: two objects, the second re-delivering an event of the first. */
  async function batchRows(dir: string): Promise<string> {
    const out = join(dir, 'rows');
    await mkdir(out, { recursive: true });
    const store = await RowStore.open({ tempDir: join(dir, 'tmp'), memoryLimit: LIMIT, maxRows: 1_000_000, workerId: 1 });
    const objects = [
      { name: 'first', records: [record({ eventID: 'kept' }), record({ eventID: 'again' })], at: '2026-10-01 10:05:00' },
      {
        name: 'later',
        records: [record({ eventID: 'again', addendum: { reason: 'DELIVERY_DELAY' } })],
        at: '2026-10-01 11:05:00',
      },
    ];
    for (const [index, object] of objects.entries()) {
      const origin = { sourceObject: sourceOf(object.name), deliveredAt: object.at, keyAccountId: SALES };
      const bytes = Buffer.from(JSON.stringify({ Records: object.records }));
      await runObjectTask({ id: index, origin, bytes, hash: false, batch: 0, outputDir: out }, store);
    }
    await store.finish(0);
    store.close();
    return out;
  }

  /** writeBatch on a fresh copy of the batch, its main DuckDB failing the first `failures` COPYs. */
  async function publish(dir: string, failures: number) {
    const rowsDir = await batchRows(dir);
    const outputDir = join(dir, 'stage', 'dataset');
    await mkdir(outputDir, { recursive: true });
    const real = await openDatabase(':memory:', { memoryLimit: LIMIT, threads: 2 });
    const db = failingCopies(real, failures);
    const result = await writeBatch({
      db,
      rowsDir,
      datasetDir: join(dir, 'cloudtrail'),
      outputDir,
      batchObjects: [sourceOf('first'), sourceOf('later')],
      fileTag: 'run-1',
      memoryLimit: LIMIT,
    });
    const [threads] = await real.all<{ threads: number }>(`SELECT current_setting('threads') AS threads`);
    const after = { limit: await currentLimit(real), threads: Number(threads?.threads) };
    real.close();
    return { result, db, outputDir, after };
  }

  it('deletes the partial files and rebuilds once more with twice the memory, as a run that never ran out', async () => {
    // Prepare
    const dir = await tempDir('oom-rebuild');

    // Act
    const control = await publish(join(dir, 'control'), 0);
    const retried = await publish(join(dir, 'retried'), 1);

    // Assess: the same de-duplicated rows, from the retry's files only
    const rows = await readParquetUnder(retried.outputDir);
    expect(rows.map((row) => [row.event_id, row.addendum_reason])).toEqual([
      ['again', 'DELIVERY_DELAY'],
      ['kept', null],
    ]);
    expect(rows).toEqual(await readParquetUnder(control.outputDir));
    expect(retried.result.duplicatesByObject).toEqual(new Map([[sourceOf('first'), 1]]));
    expect(retried.result.duplicatesByObject).toEqual(control.result.duplicatesByObject);
    const published = (result: typeof control.result) => result.partitions.map((partition) => partition.files);
    expect(published(retried.result)).toEqual(published(control.result));
    expect(retried.result.moves.map((move) => move.from).filter((from) => from.includes('part-0'))).toEqual([]);
    expect(retried.db.copiesRun).toEqual([await printedLimit(DOUBLED)]);
    expect(control.db.copiesRun).toEqual([await printedLimit(LIMIT)]);
    // The rebuild ran on one thread; the connection is left as it was.
    expect([...control.db.copyThreads, ...retried.db.copyThreads]).toEqual([1, 1]);
    expect(retried.after).toEqual({ limit: await printedLimit(LIMIT), threads: 2 });
  });
});

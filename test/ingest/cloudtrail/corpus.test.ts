/**
 * Every CloudTrail record in the shared corpus of real records (Panther tests, OTRF, trailscraper,
 * AWS documentation examples, Lake Formation GetDataAccess examples) goes through the same record
 * parser and row store the workers use, into Parquet exactly as a batch is written. The test adapts
 * only the container (JSON lines, `{"Records":[…]}`, gzip, a single record, LookupEvents output).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type NativeItem, writeNativeGroup } from '../../../ingest/cloudtrail/native-batch.js';
import { examineForNative } from '../../../ingest/cloudtrail/native-eligibility.js';
import { isRecordProblem, normaliseRecord } from '../../../ingest/cloudtrail/normalise-record.js';
import { type RowSink, runObjectTask } from '../../../ingest/cloudtrail/object-task.js';
import { isObjectProblem, parseLogObject } from '../../../ingest/cloudtrail/parse-log-object.js';
import { carefulValues } from '../../../ingest/cloudtrail/row-columns.js';
import { RowStore } from '../../../ingest/cloudtrail/row-store.js';
import { openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { REPO_ROOT, tempDir } from './helpers.js';

const CORPUS = join(REPO_ROOT, '../shared/corpus');
const present = existsSync(CORPUS);
if (!present) console.warn(`corpus test skipped: ${CORPUS} is absent`);

/** The records a corpus file holds, whatever its container; null for files that hold no CloudTrail records. */
async function recordsIn(path: string): Promise<unknown[] | null> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.endsWith('.csv') || name.endsWith('.txt') || name.endsWith('.md') || name.includes('CloudTrail-Digest')) return null;
  const bytes = await readFile(path);
  if (name.endsWith('.gz')) {
    const parsed = parseLogObject(bytes);
    if (isObjectProblem(parsed)) throw new Error(`${name}: ${parsed.detail}`);
    return parsed.records;
  }
  const text = bytes.toString('utf8');
  if (name.endsWith('.jsonl') || !text.trimStart().startsWith('{') || isJsonLines(text)) {
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
        const value = JSON.parse(line) as { record?: unknown };
        return value.record !== undefined && !('eventID' in value) ? value.record : value;
      });
  }
  const document = JSON.parse(text) as Record<string, unknown>;
  if (Array.isArray(document.Records)) return document.Records;
  if (Array.isArray(document.Events))
    return (document.Events as { CloudTrailEvent: string }[]).map((event) => JSON.parse(event.CloudTrailEvent));
  if ('eventVersion' in document || 'eventID' in document) return [document];
  return null;
}

function isJsonLines(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim());
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0] as string);
    return true;
  } catch {
    return false;
  }
}

async function corpusFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await corpusFiles(path)));
    else if (entry.name !== 'MANIFEST.md') files.push(path);
  }
  return files.sort();
}

/** A sink that counts the rows each way before handing them to the store. */
function countingSink(store: RowStore, counts: { fast: number; careful: number }): RowSink {
  return {
    addFast(...args) {
      counts.fast++;
      store.addFast(...args);
    },
    addCareful(...args) {
      counts.careful++;
      store.addCareful(...args);
    },
  };
}

async function openStore(dir: string): Promise<RowStore> {
  return RowStore.open({ tempDir: join(dir, 'tmp'), memoryLimit: '256MB', maxRows: 1_000_000, workerId: 0 });
}

describe.skipIf(!present)('the CloudTrail record parser on the real-record corpus', () => {
  it('normalises or quarantines every record, and DuckDB reads every normalised row', async () => {
    // Prepare: the worker's path (fast rows from the object's own bytes where canonical) and a
    // control where every row takes the careful path with its record serialised again.
    const origin = { sourceObject: 'corpus', deliveredAt: null, keyAccountId: null };
    const perFile: { file: string; records: number; normalised: number; quarantined: number }[] = [];
    const reasons = new Map<string, number>();
    const dir = await tempDir('corpus');
    const worker = await openStore(join(dir, 'worker'));
    const control = await openStore(join(dir, 'control'));
    const counts = { fast: 0, careful: 0 };
    const workerOut = join(dir, 'worker-out');
    const controlOut = join(dir, 'control-out');
    await mkdir(workerOut, { recursive: true });
    await mkdir(controlOut, { recursive: true });

    // Act
    let id = 0;
    for (const file of await corpusFiles(CORPUS)) {
      const records = await recordsIn(file);
      if (!records) continue;
      let normalised = 0;
      let quarantined = 0;
      for (const record of records) {
        const row = normaliseRecord(record, origin);
        if (isRecordProblem(row)) {
          quarantined++;
          reasons.set(row.reason, (reasons.get(row.reason) ?? 0) + 1);
        } else {
          normalised++;
          control.addCareful(0, controlOut, carefulValues(row, JSON.stringify(record)));
        }
      }
      // As AWS delivers an object, minified `{"Records": [...]}` (the corpus's own objects are
      // pretty-printed), so the record scanner meets every real record.
      const bytes = Buffer.from(JSON.stringify({ Records: records }));
      const result = await runObjectTask(
        { id: id++, origin, bytes, hash: false, batch: 0, outputDir: workerOut },
        countingSink(worker, counts),
      );
      expect(result.rows, file).toBe(normalised);
      perFile.push({ file: file.slice(CORPUS.length + 1), records: records.length, normalised, quarantined });
    }
    await worker.finish(0);
    await control.finish(0);
    worker.close();
    control.close();
    const db = await openDatabase(':memory:');
    const rowsOf = (out: string) =>
      `(SELECT * REPLACE (CAST(record AS VARCHAR) AS record) FROM read_parquet(${quoteLiteral(`${out}/**/*.parquet`)},
         hive_partitioning = true, hive_types_autocast = false, hive_types = {'event_date': DATE, 'account_id': VARCHAR}))`;
    const [read] = await db.all<{ rows: number; with_identity: number; lf: number }>(
      `SELECT count(*) AS rows, count(principal_type) AS with_identity,
              count(*) FILTER (event_source = 'lakeformation.amazonaws.com') AS lf
       FROM ${rowsOf(workerOut)}`,
    );
    const [differing] = await db.all<{ a: number; b: number }>(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${rowsOf(workerOut)} EXCEPT ALL SELECT * FROM ${rowsOf(controlOut)})) AS a,
              (SELECT count(*) FROM (SELECT * FROM ${rowsOf(controlOut)} EXCEPT ALL SELECT * FROM ${rowsOf(workerOut)})) AS b`,
    );
    db.close();

    // Assess
    const total = perFile.reduce((sum, file) => sum + file.records, 0);
    const normalised = perFile.reduce((sum, file) => sum + file.normalised, 0);
    const quarantined = perFile.reduce((sum, file) => sum + file.quarantined, 0);
    for (const file of perFile) expect(file.normalised + file.quarantined, file.file).toBe(file.records);
    expect(normalised + quarantined).toBe(total);
    expect(perFile.map((file) => file.file)).toEqual(
      expect.arrayContaining([
        'panther-analysis/panther_cloudtrail_test_logs.extracted.jsonl',
        'OTRF-Security-Datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json',
        'aws-lakeformation-best-practices/lake-formation-cloudtrail.GetDataAccess-examples.json',
        'trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz',
        'aws-cli-examples/lookup-events.output0.json',
      ]),
    );
    expect(total).toBeGreaterThan(600);
    expect(read?.rows).toBe(normalised);
    expect(counts.fast + counts.careful).toBe(normalised);
    // Most real records are canonical and go as their own bytes ...
    expect(counts.fast).toBeGreaterThan(normalised / 2);
    // ... and the dataset holds exactly what the careful path (records serialised again) gives.
    expect(Number(differing?.a)).toBe(0);
    expect(Number(differing?.b)).toBe(0);
    expect(read?.lf).toBeGreaterThanOrEqual(8);
    // Records without an eventID are real (documentation fragments, digest examples): quarantined with that reason.
    expect(
      [...reasons.keys()].every((reason) => ['record_missing_fields', 'invalid_event_time', 'not_an_object'].includes(reason)),
    ).toBe(true);
    console.info(
      `corpus: ${total} records = ${normalised} normalised (${counts.fast} as their own bytes, ${counts.careful} careful) + ${quarantined} quarantined`,
      Object.fromEntries(reasons),
    );
  });

  it('writes, for every record that goes the native way, exactly the row the JS path writes', async () => {
    // Prepare: each corpus record as an object the way AWS delivers one (minified, gzip), then the
    // objects the byte check lets DuckDB read, in one native group.
    const origin = { sourceObject: 'corpus', deliveredAt: null, keyAccountId: null };
    const dir = await tempDir('corpus-native');
    const input = join(dir, 'in');
    await mkdir(input, { recursive: true });
    const items: NativeItem<{ bytes: Uint8Array; records: number }>[] = [];
    let records = 0;
    let files = 0;
    for (const file of await corpusFiles(CORPUS)) {
      const found = await recordsIn(file);
      if (!found || found.length === 0) continue;
      records += found.length;
      // One object a record: a record the byte check refuses then sends only itself to the JS path.
      for (const record of found) {
        const path = join(input, `${files++}.json.gz`);
        const bytes = gzipSync(JSON.stringify({ Records: [record] }));
        await writeFile(path, bytes);
        const candidate = examineForNative(bytes);
        if (candidate) items.push({ object: { path, ...origin }, candidate, tag: { bytes, records: 1 } });
      }
    }
    const db = await openDatabase(':memory:', { threads: 1, memoryLimit: '256MB' });
    const nativeOut = join(dir, 'native-out');
    const jsOut = join(dir, 'js-out');
    await mkdir(jsOut, { recursive: true });
    const js = await openStore(join(dir, 'js'));
    let attempt = 0;

    // Act: the native path, then the JS path for exactly the records DuckDB wrote.
    const outcomes = await writeNativeGroup({
      db,
      items,
      memoryLimit: '256MB',
      nextTarget: () => join(nativeOut, `attempt-${attempt++}`),
    });
    let nativeRecords = 0;
    let id = 0;
    for (const outcome of outcomes) {
      if (outcome.kind !== 'native') continue;
      const uncertain = new Set(outcome.uncertain);
      const written = new Set<number>();
      for (let index = 0; index < outcome.item.tag.records; index++) if (!uncertain.has(index)) written.add(index);
      nativeRecords += written.size;
      const task = { id: id++, origin, bytes: outcome.item.tag.bytes, hash: false, batch: 0, outputDir: jsOut };
      await runObjectTask(task, js, undefined, written);
    }
    await js.finish(0);
    js.close();
    const rowsOf = (out: string) =>
      `(SELECT * REPLACE (CAST(record AS VARCHAR) AS record) FROM read_parquet(${quoteLiteral(`${out}/**/*.parquet`)},
         hive_partitioning = true, hive_types_autocast = false, hive_types = {'event_date': DATE, 'account_id': VARCHAR}))`;
    const [compared] = await db.all<{ native: number; js: number; a: number; b: number }>(
      `SELECT (SELECT count(*) FROM ${rowsOf(nativeOut)}) AS native, (SELECT count(*) FROM ${rowsOf(jsOut)}) AS js,
              (SELECT count(*) FROM (SELECT * FROM ${rowsOf(nativeOut)} EXCEPT ALL SELECT * FROM ${rowsOf(jsOut)})) AS a,
              (SELECT count(*) FROM (SELECT * FROM ${rowsOf(jsOut)} EXCEPT ALL SELECT * FROM ${rowsOf(nativeOut)})) AS b`,
    );
    db.close();

    // Assess: most real records go the native way (JS takes records without an eventID, which it
    // quarantines, and times as log tools print them, `2019-01-01 00:00:00.000`) ...
    expect(outcomes.every((outcome) => outcome.kind === 'native')).toBe(true);
    expect(nativeRecords).toBeGreaterThan(300);
    expect(Number(compared?.native)).toBe(nativeRecords);
    expect(Number(compared?.js)).toBe(nativeRecords);
    // ... and DuckDB wrote exactly the rows the JS path writes for them.
    expect(Number(compared?.a)).toBe(0);
    expect(Number(compared?.b)).toBe(0);
    console.info(
      `corpus, native path: ${items.length} of ${files} objects pass the byte check; ${nativeRecords} of ${records} records written by DuckDB`,
    );
  });
});

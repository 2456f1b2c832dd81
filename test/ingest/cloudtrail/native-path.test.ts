/**
 * The native path (DuckDB reads whole objects: native-eligibility.ts, native-batch*.ts,
 * native-tasks.ts) against the JS path it replaces: same rows, same quarantine, same per-object
 * results, whatever mix of clean, odd and broken objects a batch holds.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestTrail, type TrailIngestSummary } from '../../../ingest/cloudtrail/ingest-trail.js';
import { localTrailSource } from '../../../ingest/cloudtrail/local-source.js';
import { Manifest } from '../../../ingest/cloudtrail/manifest.js';
import { maximumObjectSizeFor, writeNativeGroup } from '../../../ingest/cloudtrail/native-batch.js';
import { canonicalRecordCount, examineForNative } from '../../../ingest/cloudtrail/native-eligibility.js';
import { cloudtrailPaths } from '../../../ingest/cloudtrail/state-paths.js';
import { openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { contextFor, logKey, readDataset, readQuarantine, record, tempDir, writeObject } from './helpers.js';

const SALES = '311111111111';

function objectText(records: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ Records: records }));
}

describe('maximumObjectSizeFor', () => {
  it('gives the next power of two above the largest object, never below 1 MiB', () => {
    // Prepare
    const mib = 1024 * 1024;

    // Act
    const sizes = [0, mib - 1, mib, 3 * mib, 4 * mib - 1].map(maximumObjectSizeFor);

    // Assess: room for the object's last byte, so an object of exactly 2^n bytes needs 2^(n+1).
    expect(sizes).toEqual([mib, mib, 2 * mib, 4 * mib, 4 * mib]);
  });
});

describe('examineForNative', () => {
  it('accepts a minified {"Records": [...]} of canonical records, and counts them', () => {
    // Prepare
    const text = objectText([record({ eventID: 'a' }), record({ eventID: 'b', requestParameters: { x: [1, 2, { y: null }] } })]);

    // Act
    const candidate = examineForNative(gzipSync(text), { hash: true });

    // Assess
    expect(candidate?.records).toBe(2);
    expect(candidate?.textBytes).toBe(text.length);
    expect(candidate?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalRecordCount(Buffer.from('{"Records":[]}'))).toBe(0);
  });

  it('sends to the JS path what DuckDB would read differently from JSON.parse', () => {
    // Prepare: each text differs from a clean object by one thing.
    const clean = '{"eventID":"a","eventTime":"2026-10-01T10:00:00Z","userIdentity":{"type":"Root","arn":"x"}}';
    const cases = {
      'a duplicate top-level key': '{"eventID":"a","eventID":"b"}',
      'a duplicate payload key': '{"eventID":"a","requestParameters":{},"requestParameters":{"k":1}}',
      'a duplicate identity key': '{"eventID":"a","userIdentity":{"type":"Root","type":"IAMUser"}}',
      'a float': '{"eventID":"a","requestParameters":{"size":1.5}}',
      'an exponent': '{"eventID":"a","requestParameters":{"size":1e3}}',
      'a 16-digit integer': '{"eventID":"a","requestParameters":{"n":1234567890123456}}',
      'a \\u escape': '{"eventID":"\\u0061"}',
      'a digit-led key': '{"eventID":"a","requestParameters":{"1":"x"}}',
      'spaces inside a record': '{"eventID": "a"}',
      'a non-object record': '42',
    };
    const wrapped = (records: string) => Buffer.from(`{"Records":[${records}]}`);

    // Act + Assess
    expect(canonicalRecordCount(wrapped(clean))).toBe(1);
    for (const [label, text] of Object.entries(cases)) expect(canonicalRecordCount(wrapped(text)), label).toBe(-1);
    expect(canonicalRecordCount(Buffer.from(`{"Records":[${clean}],"Other":1}`)), 'another key').toBe(-1);
    expect(canonicalRecordCount(Buffer.from(`{"records":[${clean}]}`)), 'records in lower case').toBe(-1);
    expect(canonicalRecordCount(Buffer.from(`{"Records":[${clean}]`)), 'unclosed').toBe(-1);
    // Duplicates inside a payload value do not matter: both paths keep the payload's own bytes.
    expect(canonicalRecordCount(wrapped('{"eventID":"a","requestParameters":{"k":1,"k":2}}'))).toBe(1);
    expect(examineForNative(gzipSync(`{"Records":[${clean}]}\n`)), 'a line break at the end').not.toBeNull();
    expect(examineForNative(gzipSync(`{"Records":[\n${clean}\n]}`)), 'line breaks between records').toBeNull();
    expect(examineForNative(wrapped(clean)), 'not gzip').toBeNull();
    expect(examineForNative(gzipSync(Buffer.from([0x7b, 0xff, 0x7d]))), 'not UTF-8').toBeNull();
    expect(examineForNative(gzipSync(wrapped(clean)).subarray(0, 20)), 'truncated gzip').toBeNull();
  });
});

describe('writeNativeGroup', () => {
  it('takes an object DuckDB cannot read out of the group and still writes every other object natively', async () => {
    // Prepare
    const dir = await tempDir('native-group');
    const write = async (name: string, text: string) => {
      const path = join(dir, name);
      await writeFile(path, gzipSync(text));
      const candidate = examineForNative(await readFile(path));
      if (!candidate) throw new Error(`${name} should pass the byte check`);
      return { object: { path, sourceObject: name, deliveredAt: null, keyAccountId: SALES }, candidate, tag: name };
    };
    const items = [
      await write(
        'first.json.gz',
        objectText([record({ eventID: 'a-1' }), record({ eventID: 'a-2', eventTime: 'soon' })]).toString(),
      ),
      await write('broken.json.gz', '{"Records":[{"eventID":"b-1","readOnly":tru}]}'),
      await write('last.json.gz', objectText([record({ eventID: 'c-1' })]).toString()),
    ];
    const db = await openDatabase(':memory:', { threads: 1, memoryLimit: '192MB' });
    let attempt = 0;

    // Act
    const outcomes = await writeNativeGroup({
      db,
      items,
      memoryLimit: '192MB',
      nextTarget: () => join(dir, 'out', `attempt-${attempt++}`),
    });
    const rows = await db.all<{ event_id: string; source_object: string; file: string }>(
      `SELECT event_id, source_object, filename AS file FROM read_parquet(${quoteLiteral(`${dir}/out/**/*.parquet`)}, filename = true)
       ORDER BY event_id`,
    );
    db.close();

    // Assess: the broken object goes back whole; the others' certain records are rows, the uncertain one is left to JS.
    const byName = Object.fromEntries(outcomes.map((outcome) => [outcome.item.tag, outcome]));
    expect(byName['broken.json.gz']).toMatchObject({ kind: 'whole', uncertain: [] });
    expect(byName['first.json.gz']).toMatchObject({ kind: 'native', uncertain: [1] });
    expect(byName['last.json.gz']).toMatchObject({ kind: 'native', uncertain: [] });
    expect(rows.map((row) => [row.event_id, row.source_object])).toEqual([
      ['a-1', 'first.json.gz'],
      ['c-1', 'last.json.gz'],
    ]);
    // The failed attempt left nothing behind, and no marker of an uncertain record is published.
    expect(rows.every((row) => row.file.includes('attempt-1/event_date=2026-10-01/account_id=311111111111/'))).toBe(true);
    expect(attempt).toBe(2);
  });
});

interface Run {
  readonly summary: TrailIngestSummary;
  readonly rows: Record<string, unknown>[];
  readonly objects: Record<string, unknown>[];
  readonly quarantine: Record<string, unknown>[];
  readonly hashes: (string | null)[];
}

async function ingest(trail: string, keys: string[], native: boolean): Promise<Run> {
  const dir = await tempDir(native ? 'native' : 'js');
  const ctx = contextFor(dir, { path: trail });
  const summary = await ingestTrail(ctx, localTrailSource(trail), {}, { workers: 2, verifyDigests: true, native });
  const manifest = await Manifest.load(cloudtrailPaths(ctx.layout).stateDir);
  const hashes = await Promise.all(keys.map(async (key) => (await manifest.get(key))?.sha256 ?? null));
  const objects = await readDataset(ctx.layout.root, '* EXCLUDE (ingested_at)', 'cloudtrail_objects');
  const quarantine = (await readQuarantine(ctx.layout.root)).map(({ quarantined_at, bytes_file, ...entry }) => entry);
  quarantine.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { summary, rows: await readDataset(ctx.layout.root), objects, quarantine, hashes };
}

describe('the native CloudTrail path', () => {
  it('gives exactly the JS path results for clean, odd and broken objects in one batch', async () => {
    // Prepare
    const dir = await tempDir('native-vs-js');
    const trail = join(dir, 'trail');
    const key = (minute: string, suffix: string) => logKey(SALES, 'us-east-1', `20261001T10${minute}Z`, suffix.padEnd(16, 'X'));
    const identity = (attributes: Record<string, unknown>) => ({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::311111111111:assumed-role/Role/alice',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::311111111111:role/Role' }, attributes },
    });
    const objects: Record<string, unknown[] | Uint8Array> = {
      [key('00', 'CLEAN')]: [
        record({ eventID: 'c-1' }),
        record({ eventID: 'c-2', readOnly: 'false', recipientAccountId: 'not-an-account', errorCode: 'AccessDenied' }),
        record({ eventID: 'c-3', userIdentity: identity({ creationDate: '2026-10-01T09:00:00Z', mfaAuthenticated: 'true' }) }),
        record({
          eventID: 'c-4',
          addendum: { reason: 'DELIVERY_DELAY' },
          eventVersion: { odd: [1, 'two'] },
          userIdentity: 'text',
        }),
        record({ eventID: 'c-5', requestParameters: null, responseElements: { nested: { a: [true, false, null] } } }),
        // No usable eventID: keyed by content (event-key.ts) in SQL as in JS.
        record({ eventID: undefined }),
        record({ eventID: '' }),
        record({ eventID: ' \t ', eventName: 'Blank' }),
      ],
      // Records SQL cannot decide: they take the JS path, the object's other records stay native.
      [key('05', 'ODDRECORDS')]: [
        record({ eventID: 'o-1' }),
        record({ eventID: 'o-2', eventTime: undefined }),
        record({ eventID: 'o-3', eventTime: '20261001T100500Z' }),
        record({ eventID: 'o-4', eventTime: 1790000000 }),
        record({ eventID: 'o-5', eventTime: 'yesterday' }),
        record({ eventID: 'o-6', readOnly: 'TRUE' }),
        record({
          eventID: 'o-7',
          userIdentity: identity({ mfaAuthenticated: ' true', creationDate: '2026-10-01T11:00:00+02:00' }),
        }),
        record({ eventID: 'o-8', eventTime: '2026-10-01T10:05:00.250Z' }),
        record({ eventID: 42 }),
      ],
      // Objects the byte check sends to the JS path whole.
      [key('10', 'DUPLICATEKEY')]: [record({ eventID: 'd-1' })],
      [key('15', 'FLOAT')]: [record({ eventID: 'f-1', requestParameters: { ratio: 0.5 } })],
      [key('20', 'NOTANOBJECT')]: [record({ eventID: 'n-1' }), 'just text', null],
      // Passes the byte check (`tru` is no special byte), but DuckDB's read_json rejects it: the batch's other objects stay native.
      [key('25', 'MALFORMED')]: gzipSync('{"Records":[{"eventID":"m-1","eventTime":"2026-10-01T10:25:00Z","readOnly":tru}]}'),
      // Broken objects.
      [key('30', 'TRUNCATED')]: gzipSync(objectText([record({ eventID: 't-1' })])).subarray(0, 40),
      [key('35', 'NOTJSON')]: gzipSync('<?xml version="1.0"?><Error/>'),
      [key('40', 'NORECORDS')]: gzipSync('{"records":[]}'),
    };
    for (const [objectKey, content] of Object.entries(objects)) {
      const bytes =
        content instanceof Uint8Array
          ? content
          : objectKey.includes('DUPLICATEKEY')
            ? gzipSync(objectText(content).toString().replace('"eventID":"d-1"', '"eventID":"d-0","eventID":"d-1"'))
            : gzipSync(objectText(content));
      await writeObject(trail, objectKey, bytes);
    }
    const keys = Object.keys(objects);

    // Act
    const native = await ingest(trail, keys, true);
    const js = await ingest(trail, keys, false);

    // Assess: the same rows, objects, quarantine, hashes and counts ...
    expect(native.rows.length).toBeGreaterThan(10);
    expect(native.rows).toEqual(js.rows);
    expect(native.objects).toEqual(js.objects);
    expect(native.quarantine).toEqual(js.quarantine);
    expect(native.hashes).toEqual(js.hashes);
    expect(native.hashes.filter((hash) => hash !== null).length).toBeGreaterThanOrEqual(6);
    const { objectsNative, ...counts } = native.summary;
    const { objectsNative: none, ...jsCounts } = js.summary;
    expect(counts).toEqual(jsCounts);
    expect(counts.records).toBe(counts.written + counts.quarantinedRecords + counts.duplicates);
    // ... while DuckDB read the clean object, the one with odd records and no other natively.
    expect(objectsNative).toBe(2);
    expect(none).toBe(0);
    expect(native.quarantine.map((entry) => entry.reason).sort()).toEqual([
      'invalid_event_time',
      'no_records',
      'not_an_object',
      'not_an_object',
      'not_json',
      'not_json',
      'record_missing_fields',
      'truncated_gzip',
    ]);
  });
});

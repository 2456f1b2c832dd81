import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_PARTITION_FILES } from '../../../ingest/cloudtrail/batch-writer.js';
import { collectCloudtrail } from '../../../ingest/cloudtrail/collector.js';
import { contextFor, logKey, readDataset, readQuarantine, record, tempDir, writeObject } from './helpers.js';

const SALES = '311111111111';
const ANALYTICS = '411111111111';

async function partitionFiles(lake: string): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  const root = join(lake, 'cloudtrail');
  for (const day of await readdir(root)) {
    for (const account of await readdir(join(root, day))) {
      for (const file of await readdir(join(root, day, account))) {
        result.set(`${day}/${account}/${file}`, (await stat(join(root, day, account, file))).mtimeMs);
      }
    }
  }
  return result;
}

describe('the cloudtrail collector on a local trail', () => {
  it('writes normalised rows, keeps the latest delivery of an event, and quarantines bad input with reasons', async () => {
    // Prepare
    const dir = await tempDir('collect');
    const trail = join(dir, 'trail');
    const first = logKey(SALES, 'us-east-1', '20261001T1005Z', 'AAAAAAAAAAAAAAA1');
    const redelivery = logKey(SALES, 'us-east-1', '20261001T1400Z', 'AAAAAAAAAAAAAAA2');
    const truncated = logKey(SALES, 'us-east-1', '20261001T1010Z', 'BADGZIPBADGZIP01');
    const notJson = logKey(ANALYTICS, 'us-east-1', '20261001T1010Z', 'NOTJSONNOTJSON01');
    const noRecords = logKey(ANALYTICS, 'us-east-1', '20261001T1015Z', 'NORECORDSNOREC01');
    await writeObject(trail, first, {
      Records: [
        record({ eventID: 'e-1', errorCode: 'AccessDenied' }),
        record({ eventID: 'e-2', eventTime: '2026-09-30T23:59:58Z' }),
        record({ eventID: 'e-3', eventTime: undefined, eventName: 'NoTime' }),
      ],
    });
    await writeObject(trail, redelivery, {
      Records: [record({ eventID: 'e-1', addendum: { reason: 'UPDATED_DATA' }, errorCode: null })],
    });
    const good = gzipSync(JSON.stringify({ Records: [record({ eventID: 'e-9' })] }));
    await writeObject(trail, truncated, good.subarray(0, good.length - 12));
    await writeObject(trail, notJson, gzipSync('this is not json'));
    await writeObject(trail, noRecords, { records: [] });
    const ctx = contextFor(dir, { path: trail, workers: 2 });

    // Act
    const result = await collectCloudtrail(ctx, {});

    // Assess
    const rows = await readDataset(
      ctx.layout.root,
      'event_id, error_code, addendum_reason, source_object, event_date, account_id, delivered_at',
    );
    expect(rows).toEqual([
      {
        event_id: 'e-1',
        error_code: null,
        addendum_reason: 'UPDATED_DATA',
        source_object: redelivery,
        event_date: '2026-10-01',
        account_id: SALES,
        delivered_at: '2026-10-01T14:00:00.000Z',
      },
      // Partitioned by its eventTime (the previous day), not by the key's day.
      {
        event_id: 'e-2',
        error_code: null,
        addendum_reason: null,
        source_object: first,
        event_date: '2026-09-30',
        account_id: SALES,
        delivered_at: '2026-10-01T10:05:00.000Z',
      },
    ]);
    const quarantine = await readQuarantine(ctx.layout.root);
    expect(quarantine.map((entry) => [entry.key, entry.reason]).sort()).toEqual(
      [
        [first, 'record_missing_fields'],
        // The updated re-delivery of e-1 is kept; the first copy differs from it, so it is kept here.
        [first, 'conflicting_duplicate'],
        [truncated, 'truncated_gzip'],
        [notJson, 'not_json'],
        [noRecords, 'no_records'],
      ].sort(),
    );
    const kept = quarantine.find((entry) => entry.reason === 'truncated_gzip') as { bytes_file: string };
    expect(await readFile(join(ctx.layout.quarantinePath('cloudtrail'), kept.bytes_file))).toEqual(
      good.subarray(0, good.length - 12),
    );
    expect(
      JSON.parse((quarantine.find((entry) => entry.reason === 'record_missing_fields') as { record: string }).record).eventName,
    ).toBe('NoTime');

    const objects = await readDataset(
      ctx.layout.root,
      'object_key, records, written, quarantined, duplicates, status',
      'cloudtrail_objects',
    );
    expect(objects).toEqual(
      [
        { object_key: first, records: 3, written: 1, quarantined: 1, duplicates: 1, status: 'ok' },
        { object_key: redelivery, records: 1, written: 1, quarantined: 0, duplicates: 0, status: 'ok' },
        { object_key: truncated, records: 0, written: 0, quarantined: 0, duplicates: 0, status: 'quarantined' },
        { object_key: notJson, records: 0, written: 0, quarantined: 0, duplicates: 0, status: 'quarantined' },
        { object_key: noRecords, records: 0, written: 0, quarantined: 0, duplicates: 0, status: 'quarantined' },
      ].sort((a, b) => (a.object_key < b.object_key ? -1 : 1)),
    );
    expect(result.outputs).toEqual([
      { name: 'cloudtrail', rows: 2, path: ctx.layout.datasetDir('cloudtrail') },
      { name: 'cloudtrail_objects', rows: 5, path: ctx.layout.datasetDir('cloudtrail_objects') },
    ]);
    expect(result.notes[0]).toContain('read 4 records = 2 written + 1 quarantined + 1 duplicates');
    expect(result.notes.join('\n')).toContain('3 objects quarantined whole');
    expect(result.warnings).toBeGreaterThanOrEqual(4);
  });

  it('reads nothing on a re-run, and a later re-delivery replaces the earlier row touching only its partition', async () => {
    // Prepare
    const dir = await tempDir('incremental');
    const trail = join(dir, 'trail');
    const day1 = logKey(SALES, 'us-east-1', '20261001T1005Z');
    const day2 = logKey(ANALYTICS, 'us-east-1', '20261002T1005Z');
    await writeObject(trail, day1, { Records: [record({ eventID: 'a-1' }), record({ eventID: 'a-2' })] });
    await writeObject(trail, day2, {
      Records: [record({ eventID: 'b-1', eventTime: '2026-10-02T09:00:00Z', recipientAccountId: ANALYTICS })],
    });
    const ctx = contextFor(dir, { path: trail });
    await collectCloudtrail(ctx, {});
    const before = await partitionFiles(ctx.layout.root);

    // Act: nothing new
    const rerun = await collectCloudtrail(ctx, {});
    // Assess
    expect(rerun.notes[0]).toContain('0 new objects of 2 listed; read 0 records');
    expect(await partitionFiles(ctx.layout.root)).toEqual(before);

    // Act: a re-delivery of a-2 in a later object
    const later = logKey(SALES, 'us-east-1', '20261003T0100Z');
    await writeObject(trail, later, { Records: [record({ eventID: 'a-2', addendum: { reason: 'DELIVERY_DELAY' } })] });
    const third = await collectCloudtrail(ctx, {});

    // Assess
    expect(third.notes[0]).toContain('1 new objects of 3 listed; read 1 records = 1 written + 0 quarantined + 0 duplicates');
    expect(third.notes[0]).toContain('1 earlier rows replaced');
    const rows = await readDataset(ctx.layout.root, 'event_id, source_object, addendum_reason');
    expect(rows).toEqual([
      { event_id: 'a-1', source_object: day1, addendum_reason: null },
      { event_id: 'a-2', source_object: later, addendum_reason: 'DELIVERY_DELAY' },
      { event_id: 'b-1', source_object: day2, addendum_reason: null },
    ]);
    const after = await partitionFiles(ctx.layout.root);
    const untouched = [...before.keys()].find((key) => key.includes(ANALYTICS)) as string;
    expect(after.get(untouched)).toBe(before.get(untouched));
    const objects = await readDataset(ctx.layout.root, 'object_key, written, duplicates', 'cloudtrail_objects');
    expect(objects.find((entry) => entry.object_key === day1)).toEqual({ object_key: day1, written: 1, duplicates: 1 });
  });

  it('compacts a partition that incremental runs would leave with more than MAX_PARTITION_FILES files, keeping every row once', async () => {
    // Prepare: one run per new object, every object in the same day and account
    const dir = await tempDir('compaction');
    const trail = join(dir, 'trail');
    const ctx = contextFor(dir, { path: trail });
    const filesOf = async () =>
      [...(await partitionFiles(ctx.layout.root)).keys()].filter((key) =>
        key.startsWith(`event_date=2026-10-01/account_id=${SALES}/`),
      );
    const runs = MAX_PARTITION_FILES + 2;
    const counts: number[] = [];
    const notes: string[] = [];

    // Act
    for (let run = 1; run <= runs; run++) {
      const stamp = `20261001T${String(run).padStart(2, '0')}05Z`;
      const events = [`r${run}-a`, `r${run}-b`].map((eventID) =>
        record({ eventID, eventTime: `2026-10-01T${String(run).padStart(2, '0')}:00:00Z` }),
      );
      await writeObject(trail, logKey(SALES, 'us-east-1', stamp), { Records: events });
      notes.push((await collectCloudtrail(ctx, {})).notes[0] as string);
      counts.push((await filesOf()).length);
    }

    // Assess: appends add a file a run until one more would pass the limit; then the partition is rewritten
    expect(counts.slice(0, MAX_PARTITION_FILES)).toEqual(Array.from({ length: MAX_PARTITION_FILES }, (_, index) => index + 1));
    expect(counts[MAX_PARTITION_FILES]).toBeLessThan(MAX_PARTITION_FILES);
    expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_PARTITION_FILES);
    for (const note of notes) expect(note).toContain('read 2 records = 2 written + 0 quarantined + 0 duplicates');
    const rows = await readDataset(ctx.layout.root, 'event_id');
    const expected = Array.from({ length: runs }, (_, index) => [`r${index + 1}-a`, `r${index + 1}-b`]).flat();
    expect(rows.map((row) => row.event_id)).toEqual(expected.sort());
  });

  it('selects objects by key day with --since/--until, --account and --region', async () => {
    // Prepare
    const dir = await tempDir('filters');
    const trail = join(dir, 'trail');
    await writeObject(trail, logKey(SALES, 'us-east-1', '20261001T1005Z'), { Records: [record({ eventID: 'f-1' })] });
    await writeObject(trail, logKey(SALES, 'us-east-1', '20261010T1005Z'), {
      Records: [record({ eventID: 'f-2', eventTime: '2026-10-10T10:00:00Z' })],
    });
    await writeObject(trail, logKey(SALES, 'eu-west-1', '20261010T1005Z'), {
      Records: [record({ eventID: 'f-3', eventTime: '2026-10-10T10:00:00Z' })],
    });
    await writeObject(trail, logKey(ANALYTICS, 'us-east-1', '20261010T1005Z'), {
      Records: [record({ eventID: 'f-4', eventTime: '2026-10-10T10:00:00Z' })],
    });
    const ctx = contextFor(dir, { path: trail });

    // Act
    await collectCloudtrail(ctx, {
      since: new Date('2026-10-09T00:00:00Z'),
      until: new Date('2026-10-11T00:00:00Z'),
      accounts: [SALES],
      regions: ['us-east-1'],
    });

    // Assess
    expect((await readDataset(ctx.layout.root, 'event_id')).map((row) => row.event_id)).toEqual(['f-2']);
  });
});

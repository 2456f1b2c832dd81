import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiDatasetSpecs } from '../../../ingest/aws/all-datasets.js';
import { defineDataset, renderDatasetDocs } from '../../../ingest/aws/dataset-spec.js';
import { writeDataset } from '../../../ingest/aws/dataset-writer.js';
import { DATASET_DOCS_PATH } from '../../../ingest/aws/write-dataset-docs.js';
import { listFiles } from '../../../lib/lake/atomic.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { type LakeLayout, lakeLayout } from '../../../lib/lake/layout.js';
import { UnsafePathError } from '../../../lib/lake/safe-path.js';
import { datasetScanSql, listDatasets } from '../../../lib/lake/views.js';
import { makeTempDir } from '../../fake-aws/fixtures.js';

const snapshotSpec = defineDataset({
  name: 'things',
  description: 'test things',
  partitionBy: ['snapshot_date', 'account_id'],
  mode: { kind: 'snapshot' },
  columns: [
    { name: 'seen_at', type: 'TIMESTAMP', description: 'when' },
    { name: 'account_id', type: 'VARCHAR', description: 'account' },
    { name: 'name', type: 'VARCHAR', description: 'name' },
    { name: 'labels', type: 'VARCHAR[]', description: 'labels' },
    { name: 'detail', type: 'JSON', description: 'detail' },
    { name: 'size', type: 'BIGINT', description: 'size' },
    { name: 'snapshot_date', type: 'DATE', description: 'day' },
  ],
});

const mergeSpec = defineDataset({
  name: 'events',
  description: 'test events',
  partitionBy: ['month'],
  mode: { kind: 'merge', key: ['event_id'] },
  columns: [
    { name: 'event_id', type: 'VARCHAR', description: 'id' },
    { name: 'state', type: 'VARCHAR', description: 'state' },
    { name: 'month', type: 'VARCHAR', description: 'month' },
  ],
});

async function rowsOf(layout: LakeLayout, name: string): Promise<Record<string, unknown>[]> {
  const dataset = (await listDatasets(layout)).find((candidate) => candidate.name === name);
  if (!dataset) return [];
  const db = await openDatabase();
  try {
    return await db.all(`SELECT * FROM ${datasetScanSql(dataset)} ORDER BY ALL`);
  } finally {
    db.close();
  }
}

/** Each Parquet file's path with its mtime: a rewritten file has a new name (part-<uuid>) and mtime. */
async function fileStamps(dir: string): Promise<Record<string, number>> {
  const files = (await listFiles(dir)).filter((file) => file.endsWith('.parquet'));
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file, (await stat(file)).mtimeMs] as const)));
}

describe('writeDataset', () => {
  let root: string;
  let layout: LakeLayout;

  beforeEach(async () => {
    root = await makeTempDir('writer');
    layout = lakeLayout(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes typed, Hive-partitioned zstd Parquet from plain rows', async () => {
    await writeDataset(layout, snapshotSpec, [
      {
        seen_at: new Date('2026-10-30T12:34:56.789Z'),
        account_id: '011111111111',
        name: 'a',
        labels: ['x', 'y'],
        detail: { k: [1] },
        size: 12345678901,
        snapshot_date: '2026-10-31',
      },
    ]);
    const files = await listFiles(layout.datasetDir('things'));
    const db = await openDatabase();
    const [meta] = await db.all(`SELECT compression FROM parquet_metadata('${files[0]}') WHERE path_in_schema = 'name'`);
    db.close();
    expect(files.map((file) => file.slice(root.length))).toEqual([
      expect.stringMatching(/^\/things\/snapshot_date=2026-10-31\/account_id=011111111111\/part-[0-9a-f-]+\.parquet$/),
    ]);
    expect(meta).toEqual({ compression: 'ZSTD' });
    expect(await rowsOf(layout, 'things')).toEqual([
      {
        seen_at: '2026-10-30T12:34:56.789Z',
        name: 'a',
        labels: ['x', 'y'],
        detail: '{"k":[1]}',
        size: 12345678901,
        snapshot_date: '2026-10-31',
        account_id: '011111111111',
      },
    ]);
  });

  it('replaces a re-collected partition instead of adding to it, and leaves other partitions alone', async () => {
    const row = (account: string, name: string) => ({ account_id: account, name, snapshot_date: '2026-10-31' });
    await writeDataset(layout, snapshotSpec, [row('111111111111', 'old'), row('222222222222', 'kept')]);
    await writeDataset(layout, snapshotSpec, [row('111111111111', 'new-1'), row('111111111111', 'new-2')]);
    const names = (await rowsOf(layout, 'things')).map((found) => `${found.account_id}:${found.name}`).sort();
    expect(names).toEqual(['111111111111:new-1', '111111111111:new-2', '222222222222:kept']);
  });

  it('empties a covered partition that has no rows any more, keeping a typed file', async () => {
    await writeDataset(layout, snapshotSpec, [{ account_id: '111111111111', name: 'gone', snapshot_date: '2026-10-31' }]);
    await writeDataset(layout, snapshotSpec, [], { cover: [{ account_id: '111111111111', snapshot_date: '2026-10-31' }] });
    const db = await openDatabase();
    const dataset = (await listDatasets(layout))[0];
    const columns = await db.all(`DESCRIBE SELECT * FROM ${datasetScanSql(dataset as never)}`);
    db.close();
    expect(await rowsOf(layout, 'things')).toEqual([]);
    expect(columns.map((column) => column.column_name).sort()).toEqual(snapshotSpec.columns.map((column) => column.name).sort());
  });

  it('merges on the key: incoming rows replace rows with the same key, others stay', async () => {
    await writeDataset(layout, mergeSpec, [
      { event_id: 'e1', state: 'RUNNING', month: '2026-10' },
      { event_id: 'e2', state: 'SUCCEEDED', month: '2026-10' },
      { event_id: 'e0', state: 'SUCCEEDED', month: '2026-09' },
    ]);
    await writeDataset(layout, mergeSpec, [
      { event_id: 'e1', state: 'SUCCEEDED', month: '2026-10' },
      { event_id: 'e3', state: 'FAILED', month: '2026-10' },
    ]);
    expect(await rowsOf(layout, 'events')).toEqual([
      { event_id: 'e0', state: 'SUCCEEDED', month: '2026-09' },
      { event_id: 'e1', state: 'SUCCEEDED', month: '2026-10' },
      { event_id: 'e2', state: 'SUCCEEDED', month: '2026-10' },
      { event_id: 'e3', state: 'FAILED', month: '2026-10' },
    ]);
  });

  it('leaves every file in place when re-run with the same rows, and rewrites only a partition whose rows changed', async () => {
    // Prepare
    const row = (account: string, name: string) => ({ account_id: account, name, snapshot_date: '2026-10-31' });
    const rows = [row('111111111111', 'a'), row('222222222222', 'b')];
    await writeDataset(layout, snapshotSpec, rows);
    const before = await fileStamps(layout.datasetDir('things'));
    // Act
    const again = await writeDataset(layout, snapshotSpec, rows);
    const unchanged = await fileStamps(layout.datasetDir('things'));
    await writeDataset(layout, snapshotSpec, [row('111111111111', 'a'), row('222222222222', 'b2')]);
    const after = await fileStamps(layout.datasetDir('things'));
    // Assess
    expect(again).toMatchObject({ written: 0, rows: 2, partitions: 0 });
    expect(unchanged).toEqual(before);
    const [first, second] = Object.keys(before);
    expect(after[first as string]).toBe(before[first as string]);
    expect(Object.keys(after)).not.toContain(second);
    expect((await rowsOf(layout, 'things')).map((found) => found.name).sort()).toEqual(['a', 'b2']);
  });

  it('keeps a merged partition in place when a later run re-fetches only some of its rows, unchanged', async () => {
    // Cost Explorer's shape: the first run fetches the whole history, later runs the last days again.
    const rows = [
      { event_id: 'e1', state: 'SUCCEEDED', month: '2026-10' },
      { event_id: 'e2', state: 'SUCCEEDED', month: '2026-10' },
    ];
    await writeDataset(layout, mergeSpec, rows);
    const before = await fileStamps(layout.datasetDir('events'));
    await writeDataset(layout, mergeSpec, [rows[1] as (typeof rows)[number]]);
    expect(await fileStamps(layout.datasetDir('events'))).toEqual(before);
  });

  it('writes again when a partition file went missing, even with the same rows', async () => {
    const rows = [{ account_id: '111111111111', name: 'a', snapshot_date: '2026-10-31' }];
    await writeDataset(layout, snapshotSpec, rows);
    for (const file of await listFiles(layout.datasetDir('things'))) await rm(file);
    const result = await writeDataset(layout, snapshotSpec, rows);
    expect(result).toMatchObject({ written: 1, rows: 1 });
    expect((await rowsOf(layout, 'things')).map((found) => found.name)).toEqual(['a']);
  });

  it('rejects a row without a partition value, naming the key', async () => {
    await expect(writeDataset(layout, snapshotSpec, [{ name: 'x', snapshot_date: '2026-10-31' }])).rejects.toThrow(/account_id/);
  });

  it.each([
    ['../../../../outside', 'separator'],
    ['..', 'parent-segment'],
    ['a\u0000b', 'control-character'],
  ])('refuses the partition value %j from data (%s) and writes nothing outside the lake', async (value, reason) => {
    // Prepare: the lake one level down, so a partition four levels up from the dataset would land in `root`.
    const nestedLayout = lakeLayout(join(root, 'lake'));
    const row = { name: 'x', snapshot_date: '2026-10-31', account_id: value };

    // Act
    const outcome = await writeDataset(nestedLayout, snapshotSpec, [row]).then(
      () => undefined,
      (error: unknown) => error,
    );
    const cover = await writeDataset(nestedLayout, snapshotSpec, [], {
      cover: [{ snapshot_date: '2026-10-31', account_id: value }],
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    for (const error of [outcome, cover]) {
      expect(error).toBeInstanceOf(UnsafePathError);
      expect((error as UnsafePathError).reason).toBe(reason);
      expect((error as UnsafePathError).message).toContain('account_id=');
    }
    expect(await listFiles(root)).toEqual([]);
    expect(await readdir(root)).not.toContain('outside');
  });
});

describe('dataset docs', () => {
  it('ingest/aws/DATASETS.md is generated from the current declarations', async () => {
    // The formatter may pad table cells; the content must match.
    const normalise = (text: string) => text.replace(/-{3,}/g, '---').replace(/ {2,}/g, ' ').trim();
    expect(normalise(await readFile(DATASET_DOCS_PATH, 'utf8'))).toBe(normalise(renderDatasetDocs(apiDatasetSpecs)));
  });
});

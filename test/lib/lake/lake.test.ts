import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LakeError } from '../../../lib/errors.js';
import { createStagingDir, publishStagedFiles, writeFileAtomic } from '../../../lib/lake/atomic.js';
import { assertIdentifier, type Database, openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { lakeLayout } from '../../../lib/lake/layout.js';
import { listDatasets, refreshDatasetViews } from '../../../lib/lake/views.js';

let db: Database | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

async function tempLake() {
  return lakeLayout(await mkdtemp(join(tmpdir(), 'mw-lake-')));
}

describe('writeFileAtomic', () => {
  it('leaves only the final file, with its full content', async () => {
    const layout = await tempLake();
    const target = join(layout.stateDir, 'manifest.json');
    await writeFileAtomic(target, '{"a":1}');
    await writeFileAtomic(target, '{"a":2}');
    expect(await readFile(target, 'utf8')).toBe('{"a":2}');
    expect(await readdir(layout.stateDir)).toEqual(['manifest.json']);
  });
});

describe('publishStagedFiles', () => {
  it('moves every staged file to the same relative path and removes the staging folder', async () => {
    const layout = await tempLake();
    const staging = await createStagingDir(layout.tmpDir, 'test');
    await mkdir(join(staging, 'event_date=2026-10-01'), { recursive: true });
    await writeFile(join(staging, 'event_date=2026-10-01', 'part-0.parquet'), 'x');
    const moved = await publishStagedFiles(staging, layout.datasetDir('cloudtrail'));
    expect(moved).toEqual([join('event_date=2026-10-01', 'part-0.parquet')]);
    expect(await readdir(layout.tmpDir)).toEqual([]);
  });
});

describe('openDatabase', () => {
  it('binds parameters and returns JSON-friendly values', async () => {
    db = await openDatabase();
    const rows = await db.all(
      "select $name as name, 42::bigint as n, 1.25::decimal(10,2) as d, date '2026-10-01' as day, timestamp '2026-10-01 06:00:00' as at, [1, 2] as list",
      { name: "o'brien" },
    );
    expect(rows).toEqual([{ name: "o'brien", n: 42, d: 1.25, day: '2026-10-01', at: '2026-10-01T06:00:00.000Z', list: [1, 2] }]);
  });

  it('wraps SQL errors in a LakeError with the statement', async () => {
    db = await openDatabase();
    await expect(db.all('select * from no_such_table')).rejects.toBeInstanceOf(LakeError);
  });
});

describe('assertIdentifier', () => {
  it('rejects names that could inject SQL', () => {
    expect(() => assertIdentifier('cloudtrail; drop table x')).toThrow(LakeError);
    expect(assertIdentifier('lf_permissions')).toBe('lf_permissions');
  });
});

describe('refreshDatasetViews', () => {
  it('creates a view per dataset with string account ids and typed dates', async () => {
    const layout = await tempLake();
    db = await openDatabase();
    const dir = join(layout.datasetDir('cloudtrail'), 'event_date=2026-10-01', 'account_id=011111111111');
    await mkdir(dir, { recursive: true });
    await db.run(
      `COPY (select 'e1' as event_id) TO ${quoteLiteral(join(dir, 'part-0.parquet'))} (FORMAT parquet, COMPRESSION zstd)`,
    );
    await mkdir(join(layout.root, '_state'), { recursive: true });
    const datasets = await refreshDatasetViews(db, layout);
    expect(datasets.map((dataset) => dataset.name)).toEqual(['cloudtrail']);
    const rows = await db.all('select event_id, account_id, event_date, typeof(event_date) as t from cloudtrail');
    expect(rows).toEqual([{ event_id: 'e1', account_id: '011111111111', event_date: '2026-10-01', t: 'DATE' }]);
  });

  it('ignores reserved and underscore folders', async () => {
    const layout = await tempLake();
    await mkdir(join(layout.root, '_quarantine', 'x'), { recursive: true });
    await writeFile(join(layout.root, '_quarantine', 'x', 'a.parquet'), 'not parquet');
    expect(await listDatasets(layout)).toEqual([]);
  });
});

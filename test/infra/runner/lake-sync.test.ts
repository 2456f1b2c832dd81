import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { lakeDirFrom, runWithLake } from '../../../infra/runner/entrypoint.js';
import { folderObjectStore, planSync, pull, push, SYNC_MANIFEST_KEY } from '../../../infra/runner/lake-sync.js';
import type { ObjectStore } from '../../../infra/runner/object-store.js';
import { parseS3Url } from '../../../infra/runner/object-store.js';

let root: string;
let lake: string;
let bucket: string;

/** Counts puts, so a test can see that unchanged files are not copied again. */
function countingStore(store: ObjectStore): ObjectStore & { puts: string[] } {
  const puts: string[] = [];
  return {
    ...store,
    puts,
    put: async (key, body) => {
      puts.push(key);
      await store.put(key, body);
    },
  };
}

async function writeLakeFile(dir: string, key: string, text: string): Promise<void> {
  await mkdir(join(dir, ...key.split('/').slice(0, -1)), { recursive: true });
  await writeFile(join(dir, ...key.split('/')), text);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'meshwatch-sync-'));
  lake = join(root, 'lake');
  bucket = join(root, 'bucket');
  await writeLakeFile(lake, 'cloudtrail/event_date=2026-10-01/account_id=311111111111/part-0.parquet', 'rows-1');
  await writeLakeFile(lake, 'meshwatch.duckdb', 'database-v1');
  await writeLakeFile(lake, '_tmp/staging-123/half-written.parquet', 'partial');
});

describe('planSync', () => {
  it('copies new and changed keys and removes only when asked', () => {
    const plan = planSync({ a: '1', b: '2', c: '3' }, { a: '1', b: 'old', d: '4' }, { removeExtra: true });
    expect(plan).toEqual({ copy: ['b', 'c'], remove: ['d'] });
    expect(planSync({ a: '1' }, { d: '4' }, { removeExtra: false }).remove).toEqual([]);
  });
});

describe('push and pull', () => {
  it('round-trips a lake through the store, leaving out staging folders', async () => {
    // Prepare
    const store = folderObjectStore(bucket);
    const fresh = join(root, 'fresh-task-disk');

    // Act
    await push(store, lake);
    const report = await pull(store, fresh);

    // Assess
    expect(report.copy.sort()).toEqual([
      'cloudtrail/event_date=2026-10-01/account_id=311111111111/part-0.parquet',
      'meshwatch.duckdb',
    ]);
    expect(await readFile(join(fresh, 'meshwatch.duckdb'), 'utf8')).toBe('database-v1');
    expect(await store.get('_tmp/staging-123/half-written.parquet')).toBeUndefined();
  });

  it('copies a file whose content changed at the same size, and nothing else', async () => {
    // Prepare
    const store = countingStore(folderObjectStore(bucket));
    await push(store, lake);
    store.puts.length = 0;
    await writeLakeFile(lake, 'meshwatch.duckdb', 'database-v2'); // same length as v1

    // Act
    const report = await push(store, lake);

    // Assess
    expect(report.copy).toEqual(['meshwatch.duckdb']);
    expect(store.puts).toEqual(['meshwatch.duckdb', SYNC_MANIFEST_KEY]);
  });

  it('removes from the store what the run deleted locally', async () => {
    // Prepare
    const store = folderObjectStore(bucket);
    await push(store, lake);
    await rm(join(lake, 'cloudtrail'), { recursive: true });

    // Act
    const report = await push(store, lake);

    // Assess
    expect(report.remove).toEqual(['cloudtrail/event_date=2026-10-01/account_id=311111111111/part-0.parquet']);
    expect(await store.get('cloudtrail/event_date=2026-10-01/account_id=311111111111/part-0.parquet')).toBeUndefined();
  });

  it('refuses manifest keys that would land outside the lake, reports them with the reason, and pulls the rest', async () => {
    // Prepare: a store that holds any key, as S3 does; its manifest names two keys that climb out.
    const objects = new Map<string, Uint8Array>();
    const text = (value: string) => new TextEncoder().encode(value);
    const unused = () => Promise.reject(new Error('the pull makes no conditional request'));
    const memory: ObjectStore = {
      location: 'memory://lake',
      get: async (key) => objects.get(key),
      read: async (key) => {
        const body = objects.get(key);
        return body ? { body, etag: '"memory"' } : undefined;
      },
      put: async (key, body) => {
        objects.set(key, body);
      },
      remove: async (keys) => {
        for (const key of keys) objects.delete(key);
      },
      create: unused,
      replace: unused,
      removeIf: unused,
    };
    const keys = ['reports/2026-10-31/manifest.json', '../../outside/pwned', join(root, 'absolute-pwned')];
    for (const key of keys) objects.set(key, text(`body of ${key}`));
    objects.set(SYNC_MANIFEST_KEY, text(JSON.stringify(Object.fromEntries(keys.map((key) => [key, 'h'])))));
    const target = join(root, 'task', 'lake');

    // Act
    const report = await pull(memory, target);

    // Assess
    expect(report.copy).toEqual(['reports/2026-10-31/manifest.json']);
    expect(report.refused).toEqual([
      { key: '../../outside/pwned', reason: 'the key has a ".." segment' },
      { key: keys[2], reason: 'the key is an absolute path' },
    ]);
    expect(await readFile(join(target, 'reports', '2026-10-31', 'manifest.json'), 'utf8')).toBe(`body of ${keys[0]}`);
    expect(await readdir(root)).toEqual(expect.not.arrayContaining(['outside', 'absolute-pwned']));
  });

  it('pulls nothing into a lake that is already up to date', async () => {
    const store = folderObjectStore(bucket);
    await push(store, lake);
    expect((await pull(store, lake)).copy).toEqual([]);
  });
});

describe('runner arguments', () => {
  it('finds the lake folder the task passes, in either flag form', () => {
    expect(lakeDirFrom(['--config', 'c.yaml', '--lake', '/lake', 'collect'])).toBe('/lake');
    expect(lakeDirFrom(['--lake=/data/lake', 'run'])).toBe('/data/lake');
    expect(lakeDirFrom(['run'], '/lake')).toBe('/lake');
  });

  it('parses lake and site bucket URLs, with or without a prefix', () => {
    expect(parseS3Url('s3://nimbuscart-meshwatch-lake/')).toEqual({ bucket: 'nimbuscart-meshwatch-lake', prefix: '' });
    expect(parseS3Url('s3://bucket-1/lake')).toEqual({ bucket: 'bucket-1', prefix: 'lake/' });
    expect(() => parseS3Url('https://bucket-1/lake')).toThrow(/not an S3 URL/);
  });
});

describe('runWithLake', () => {
  it('pulls the lake before meshwatch runs and pushes it and the built site after', async () => {
    // Prepare: the "bucket" holds a lake from an earlier run; the task's disk is empty.
    const lakeStore = folderObjectStore(bucket);
    await push(lakeStore, lake);
    await writeLakeFile(lake, 'site/index.html', '<h1>meshwatch</h1>');
    await push(lakeStore, lake);
    const taskDisk = join(root, 'task-disk');
    const siteBucket = join(root, 'site-bucket');
    const lines: string[] = [];

    // Act: `meshwatch --help` stands in for the scheduled command (exit 0, touches nothing).
    const code = await runWithLake(['--lake', taskDisk, '--help'], {
      lakeUrl: 's3://lake-bucket/',
      siteUrl: 's3://site-bucket/',
      storeFor: (url) => folderObjectStore(url.includes('site') ? siteBucket : bucket),
      report: (line) => lines.push(line),
    });

    // Assess
    expect(code).toBe(0);
    expect(await readFile(join(taskDisk, 'meshwatch.duckdb'), 'utf8')).toBe('database-v1');
    expect(await readFile(join(siteBucket, 'index.html'), 'utf8')).toBe('<h1>meshwatch</h1>');
    expect(lines).toEqual([
      expect.stringMatching(/^lake lease taken until /),
      expect.stringMatching(/3 copied, 0 removed, 0 unchanged$/),
      expect.stringMatching(/0 copied, 0 removed, 3 unchanged$/),
      expect.stringMatching(/^dashboards .*: 1 copied/),
      'lake lease released',
    ]);
    expect(await readFile(join(bucket, '_sync', 'manifest.json'), 'utf8')).not.toContain('lease');
  });
});

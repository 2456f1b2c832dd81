import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_INDEX_FILE, Manifest, type ManifestEntry } from '../../../ingest/cloudtrail/manifest.js';
import { logKey, tempDir } from './helpers.js';

const ACCOUNT = '311111111111';

function entry(key: string, overrides: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    object_key: key,
    account_id: ACCOUNT,
    region: 'us-east-1',
    log_date:
      key
        .match(/(\d{4})\/(\d{2})\/(\d{2})\//)
        ?.slice(1)
        .join('-') ?? null,
    delivered_at: null,
    size_bytes: 100,
    etag_or_mtime: 'mtime:1',
    records: 3,
    written: 3,
    quarantined: 0,
    duplicates: 0,
    status: 'ok',
    verification: 'unverified',
    verification_detail: 'no digest names this object (yet)',
    ingested_at: '2026-11-01 00:00:00',
    sha256: 'ab'.repeat(32),
    ...overrides,
  };
}

/** Moves what stage() wrote into place, as the publish journal does. */
async function publish(stateDir: string, manifest: Manifest): Promise<string[]> {
  const stageDir = join(stateDir, '..', `stage-${Math.random().toString(36).slice(2)}`);
  await mkdir(stageDir, { recursive: true });
  const staged = await manifest.stage(stageDir, (shard) => `objects-${shard}.parquet`);
  for (const move of staged.moves) {
    await mkdir(join(move.to, '..'), { recursive: true });
    await rename(move.from, move.to);
  }
  return staged.shards.map((shard) => shard.shard);
}

describe('the CloudTrail manifest', () => {
  it('keeps full entries in one shard per key day and only what a re-run needs in the index', async () => {
    const stateDir = join(await tempDir('manifest'), 'state');
    const day1 = logKey(ACCOUNT, 'us-east-1', '20261001T1000Z');
    const day2 = logKey(ACCOUNT, 'us-east-1', '20261002T1000Z');
    const manifest = await Manifest.load(stateDir);
    await manifest.put(entry(day1));
    await manifest.put(entry(day2, { status: 'quarantined', verification: 'mismatch' }));

    expect(await publish(stateDir, manifest)).toEqual(['2026-10-01', '2026-10-02']);

    expect((await readdir(join(stateDir, 'manifest'))).sort()).toEqual(['2026-10-01.json', '2026-10-02.json']);
    const index = await readFile(join(stateDir, MANIFEST_INDEX_FILE), 'utf8');
    expect(index).not.toContain('verification_detail');
    const reloaded = await Manifest.load(stateDir);
    expect(reloaded.needsProcessing(day1, 100, 'mtime:1')).toBe(false);
    expect(reloaded.needsProcessing(day1, 101, 'mtime:1')).toBe(true);
    expect(reloaded.needsProcessing(day1, 100, 'mtime:2')).toBe(true);
    expect(reloaded.needsProcessing(logKey(ACCOUNT, 'us-east-1', '20261003T1000Z'), 100, 'mtime:1')).toBe(true);
    expect(reloaded.verificationCounts()).toEqual({ verified: 0, unverified: 1, mismatch: 1, missing: 0 });
    expect(await reloaded.get(day2)).toEqual(entry(day2, { status: 'quarantined', verification: 'mismatch' }));
  });

  it('rewrites only the shards a change touched', async () => {
    const stateDir = join(await tempDir('manifest'), 'state');
    const day1 = logKey(ACCOUNT, 'us-east-1', '20261001T1000Z');
    const day2 = logKey(ACCOUNT, 'us-east-1', '20261002T1000Z');
    const first = await Manifest.load(stateDir);
    await first.put(entry(day1));
    await first.put(entry(day2));
    await publish(stateDir, first);

    const second = await Manifest.load(stateDir);
    await second.update(day2, (known) => {
      known.duplicates += 1;
      known.written -= 1;
    });
    expect(await publish(stateDir, second)).toEqual(['2026-10-02']);

    const third = await Manifest.load(stateDir);
    expect(await third.get(day1)).toEqual(entry(day1));
    expect(await third.get(day2)).toEqual(entry(day2, { duplicates: 1, written: 2 }));
    expect(third.shardIds()).toEqual(['2026-10-01', '2026-10-02']);
  });

  it('reads a missing object (status missing) as one to process when it appears', async () => {
    const stateDir = join(await tempDir('manifest'), 'state');
    const key = logKey(ACCOUNT, 'us-east-1', '20261001T1000Z');
    const manifest = await Manifest.load(stateDir);
    await manifest.put(entry(key, { status: 'missing', verification: 'missing', size_bytes: 0, etag_or_mtime: '' }));
    expect(manifest.needsProcessing(key, 0, '')).toBe(true);
  });

  it('converts a v1 manifest (every entry in one file) and marks every day to be written', async () => {
    const stateDir = join(await tempDir('manifest'), 'state');
    const day1 = logKey(ACCOUNT, 'us-east-1', '20261001T1000Z');
    const day2 = logKey(ACCOUNT, 'eu-west-1', '20261002T1000Z');
    await mkdir(stateDir, { recursive: true });
    const digests = { 'd-1': { key: 'd-1', signature: null, signatureValid: null, detail: 'x', version: 'v' } };
    await writeFile(
      join(stateDir, MANIFEST_INDEX_FILE),
      JSON.stringify({ version: 1, objects: { [day1]: entry(day1), [day2]: entry(day2) }, digests }),
    );

    const manifest = await Manifest.load(stateDir);

    expect(manifest.hasChanges()).toBe(true);
    expect(manifest.digests).toEqual(digests);
    expect(manifest.needsProcessing(day1, 100, 'mtime:1')).toBe(false);
    expect(await publish(stateDir, manifest)).toEqual(['2026-10-01', '2026-10-02']);
    expect(await (await Manifest.load(stateDir)).get(day2)).toEqual(entry(day2));
  });

  it('names a damaged day shard and how to recover, and leaves the files as they were', async () => {
    const stateDir = join(await tempDir('manifest'), 'state');
    const key = logKey(ACCOUNT, 'us-east-1', '20261001T1000Z');
    const first = await Manifest.load(stateDir);
    await first.put(entry(key));
    await publish(stateDir, first);
    const shard = join(stateDir, 'manifest', '2026-10-01.json');
    await writeFile(shard, '{"AWSLogs/');
    const index = await readFile(join(stateDir, MANIFEST_INDEX_FILE), 'utf8');

    const manifest = await Manifest.load(stateDir);

    expect(manifest.needsProcessing(key, 100, 'mtime:1')).toBe(false);
    await expect(manifest.get(key)).rejects.toMatchObject({
      message: expect.stringContaining('manifest shard is unreadable'),
      context: { file: shard },
      hint: expect.stringContaining('re-read every object'),
    });
    expect(await readFile(shard, 'utf8')).toBe('{"AWSLogs/');
    expect(await readFile(join(stateDir, MANIFEST_INDEX_FILE), 'utf8')).toBe(index);
  });

  it('rejects an index of an unknown version with a hint', async () => {
    const stateDir = join(await tempDir('manifest'), 'state');
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, MANIFEST_INDEX_FILE), JSON.stringify({ version: 9 }));
    await expect(Manifest.load(stateDir)).rejects.toMatchObject({ hint: expect.stringContaining('re-read every object') });
  });
});

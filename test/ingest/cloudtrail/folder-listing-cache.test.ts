import { stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FolderListingCache } from '../../../ingest/cloudtrail/folder-listing-cache.js';
import { localTrailSource } from '../../../ingest/cloudtrail/local-source.js';
import type { TrailObject } from '../../../ingest/cloudtrail/trail-source.js';
import { logKey, tempDir, writeObject } from './helpers.js';

const ACCOUNT = '311111111111';

async function objectsOf(root: string, cacheFile: string): Promise<TrailObject[]> {
  const objects: TrailObject[] = [];
  for await (const object of localTrailSource(root, { listingCache: cacheFile }).list({}, 'CloudTrail')) objects.push(object);
  return objects;
}

/** Ages a day folder (and its files) so the cache may keep it: recent folders are never cached. */
async function age(trail: string, key: string, secondsAgo = 60): Promise<void> {
  const when = new Date(Date.now() - secondsAgo * 1000);
  await utimes(join(trail, key), when, when);
  await utimes(join(trail, key, '..'), when, when);
}

describe('the folder listing cache of a local trail', () => {
  it('lists a settled, unchanged folder from the cache and re-lists it once a file is added', async () => {
    const dir = await tempDir('listing');
    const trail = join(dir, 'trail');
    const cacheFile = join(dir, 'listing.json');
    const first = logKey(ACCOUNT, 'us-east-1', '20261001T1000Z');
    await writeObject(trail, first, { Records: [] });
    await age(trail, first);
    const listed = await objectsOf(trail, cacheFile);
    // Rewritten in place (no rename): the folder's mtime stays, so the cached size is what is listed.
    const folder = await stat(join(trail, first, '..'));
    await writeFile(join(trail, first), gzipSync(JSON.stringify({ Records: [{ eventID: 'grown' }] })));
    await utimes(join(trail, first, '..'), folder.atime, folder.mtime);
    const cachedListing = await objectsOf(trail, cacheFile);

    const second = logKey(ACCOUNT, 'us-east-1', '20261001T1005Z');
    await writeObject(trail, second, { Records: [] });
    const relisted = await objectsOf(trail, cacheFile);

    expect(cachedListing).toEqual(listed);
    expect(relisted.map((object) => object.key)).toEqual([first, second]);
    expect(relisted[0]?.size).not.toBe(listed[0]?.size);
  });

  it('does not cache a folder changed in the last seconds, so a file added in the same clock tick is not missed', async () => {
    const dir = await tempDir('listing');
    const trail = join(dir, 'trail');
    const cacheFile = join(dir, 'listing.json');
    const key = logKey(ACCOUNT, 'us-east-1', '20261001T1000Z');
    await writeObject(trail, key, { Records: [] });
    await objectsOf(trail, cacheFile);
    const folder = key.slice(0, key.lastIndexOf('/'));
    const cache = await FolderListingCache.load(cacheFile, trail);
    cache.remember(folder, 1_000, [['x.json.gz', 1, 1]], 1_500);
    expect(cache.lookup(folder, 1_000)).toBeUndefined();
    cache.remember(folder, 1_000, [['x.json.gz', 1, 1]], 5_000);
    expect(cache.lookup(folder, 1_000)).toEqual([['x.json.gz', 1, 1]]);
  });

  it('ignores a cache made for another trail folder, and a damaged one', async () => {
    const dir = await tempDir('listing');
    const cacheFile = join(dir, 'listing.json');
    const cache = await FolderListingCache.load(cacheFile, '/trail/a');
    cache.remember('AWSLogs/x', 1_000, [['f', 1, 1]], 10_000);
    await cache.save();
    expect((await FolderListingCache.load(cacheFile, '/trail/a')).lookup('AWSLogs/x', 1_000)).toBeDefined();
    expect((await FolderListingCache.load(cacheFile, '/trail/b')).lookup('AWSLogs/x', 1_000)).toBeUndefined();
    await writeFile(cacheFile, '{"version": 1, "root": "/trail/a", "fol');
    expect((await FolderListingCache.load(cacheFile, '/trail/a')).lookup('AWSLogs/x', 1_000)).toBeUndefined();
  });
});

/**
 * A folder as an object store: for tests, and for a lake kept on a mounted volume. ETags are the
 * MD5 of the content, quoted, as S3's are for plain uploads. Conditional writes hold within one
 * process (create is an exclusive open; replace and removeIf compare and swap under a per-key
 * queue); two processes sharing the folder should use the S3 store, whose conditions S3 enforces.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathExists } from '../../lib/lake/atomic.js';
import { resolveUnder, unsafePathReason } from '../../lib/lake/safe-path.js';
import type { ObjectStore, VersionedObject } from './object-store.js';

const etagOf = (body: Uint8Array) => `"${createHash('md5').update(body).digest('hex')}"`;

export function folderObjectStore(root: string): ObjectStore {
  // Keys are outside data (a bucket's manifest names them): each resolves under the folder or is refused.
  const pathOf = (key: string) => resolveUnder(root, key);
  const queues = new Map<string, Promise<unknown>>();
  /** Runs `step` after every earlier conditional step on the same key. */
  function serialised<T>(key: string, step: () => Promise<T>): Promise<T> {
    const next = (queues.get(key) ?? Promise.resolve()).then(step, step);
    queues.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
  async function read(key: string): Promise<VersionedObject | undefined> {
    // A key no file under the folder can have (`..`) is an object it does not hold.
    if (unsafePathReason(root, key) || !(await pathExists(pathOf(key)))) return undefined;
    const body = new Uint8Array(await readFile(pathOf(key)));
    return { body, etag: etagOf(body) };
  }
  async function write(key: string, body: Uint8Array): Promise<void> {
    await mkdir(dirname(pathOf(key)), { recursive: true });
    const staging = `${pathOf(key)}.${randomUUID()}.tmp`;
    await writeFile(staging, body);
    await rename(staging, pathOf(key));
  }
  return {
    location: root,
    read,
    get: async (key) => (await read(key))?.body,
    put: write,
    async remove(keys) {
      for (const key of keys) if (!unsafePathReason(root, key)) await rm(pathOf(key), { force: true });
    },
    create: (key, body) =>
      serialised(key, async () => {
        await mkdir(dirname(pathOf(key)), { recursive: true });
        try {
          await writeFile(pathOf(key), body, { flag: 'wx' });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists' as const;
          throw error;
        }
        return { etag: etagOf(body) };
      }),
    replace: (key, body, etag) =>
      serialised(key, async () => {
        if ((await read(key))?.etag !== etag) return 'changed' as const;
        await write(key, body);
        return { etag: etagOf(body) };
      }),
    removeIf: (key, etag) =>
      serialised(key, async () => {
        if ((await read(key))?.etag !== etag) return 'changed' as const;
        await rm(pathOf(key), { force: true });
        return 'removed' as const;
      }),
  };
}

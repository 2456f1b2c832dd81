/**
 * The little the runner needs from S3 — get, put, delete under a prefix, and the conditional
 * writes the lake lease is built on — behind an interface, so the sync and lease logic run against
 * a real folder in unit tests and S3 stays a thin adapter (tested over HTTP against the fake).
 */
import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LakeError } from '../../lib/errors.js';

/** An object's content and the ETag a conditional write or delete names it by. */
export interface VersionedObject {
  readonly body: Uint8Array;
  readonly etag: string;
}

/** A conditional write that found the key in another state than it required. */
export type Precondition = 'exists' | 'changed';

export interface ObjectStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array): Promise<void>;
  remove(keys: readonly string[]): Promise<void>;
  /** The object with its ETag, or undefined when absent. */
  read(key: string): Promise<VersionedObject | undefined>;
  /** Writes only if the key is absent (S3 `If-None-Match: *`); 'exists' otherwise. */
  create(key: string, body: Uint8Array): Promise<{ readonly etag: string } | 'exists'>;
  /** Overwrites only if the current ETag is `etag` (S3 `If-Match`); 'changed' if not, or gone. */
  replace(key: string, body: Uint8Array, etag: string): Promise<{ readonly etag: string } | 'changed'>;
  /** Deletes only if the current ETag is `etag` (S3 `If-Match` on DeleteObject); 'changed' if not, or gone. */
  removeIf(key: string, etag: string): Promise<'removed' | 'changed'>;
  /** For messages: s3://bucket/prefix or the folder. */
  readonly location: string;
}

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?(.*)$/.exec(url);
  if (!match) {
    throw new LakeError(`not an S3 URL: ${url}`, { hint: 'use s3://bucket/ or s3://bucket/prefix/' });
  }
  const prefix = match[2] as string;
  return { bucket: match[1] as string, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

/** How often a conditional request that raced another write (409) is retried, and the pause before each. */
const CONFLICT_RETRIES = 3;
const CONFLICT_PAUSE_MS = 100;

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

export function s3ObjectStore(client: S3Client, { bucket, prefix }: S3Location): ObjectStore {
  const location = `s3://${bucket}/${prefix}`;
  const failed = (action: string, key: string) => (cause: unknown) => {
    throw new LakeError(`cannot ${action} ${location}${key}`, { cause, context: { key: `${prefix}${key}` } });
  };
  /**
   * Sends a conditional request: S3 answers 412 (precondition failed) or 404 (If-Match on a
   * missing key) with `refused`, and 409 ConditionalRequestConflict when another write to the key
   * was in flight — retried a few times, then taken as the other writer having won.
   */
  async function conditional<T, R>(action: string, key: string, send: () => Promise<T>, refused: R): Promise<T | R> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await send();
      } catch (cause) {
        const status = statusOf(cause);
        if (status === 412 || status === 404) return refused;
        if (status === 409 && attempt < CONFLICT_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, CONFLICT_PAUSE_MS * (attempt + 1)));
          continue;
        }
        if (status === 409) return refused;
        return failed(action, key)(cause);
      }
    }
  }
  const objectKey = (key: string) => `${prefix}${key}`;
  async function read(key: string): Promise<VersionedObject | undefined> {
    try {
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      const body = answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      return { body, etag: answer.ETag ?? '' };
    } catch (cause) {
      if ((cause as { name?: string }).name === 'NoSuchKey') return undefined;
      return failed('read', key)(cause);
    }
  }
  return {
    location,
    read,
    get: async (key) => (await read(key))?.body,
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: body })).catch(failed('write', key));
    },
    async create(key, body) {
      const send = () => client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: body, IfNoneMatch: '*' }));
      const answer = await conditional('create', key, send, 'exists' as const);
      return answer === 'exists' ? answer : { etag: answer.ETag ?? '' };
    },
    async replace(key, body, etag) {
      const send = () => client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: body, IfMatch: etag }));
      const answer = await conditional('replace', key, send, 'changed' as const);
      return answer === 'changed' ? answer : { etag: answer.ETag ?? '' };
    },
    async removeIf(key, etag) {
      const send = () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key), IfMatch: etag }));
      const answer = await conditional('delete', key, send, 'changed' as const);
      return answer === 'changed' ? answer : 'removed';
    },
    async remove(keys) {
      for (let start = 0; start < keys.length; start += 1000) {
        const batch = keys.slice(start, start + 1000).map((key) => ({ Key: objectKey(key) }));
        const answer = await client
          .send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }))
          .catch(failed('delete', ''));
        // DeleteObjects answers 200 and lists the keys it could not delete: not a silent success.
        const refused = answer.Errors ?? [];
        if (refused.length > 0) {
          throw new LakeError(`cannot delete ${refused.length} of ${batch.length} objects under ${location}`, {
            context: { key: refused[0]?.Key, code: refused[0]?.Code },
          });
        }
      }
    },
  };
}

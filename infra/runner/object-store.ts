/**
 * The little the runner needs from S3 — get, put, delete under a prefix — behind an
 * interface, so the sync logic is tested against a real folder and S3 stays a thin adapter.
 */
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LakeError } from '../../lib/errors.js';

export interface ObjectStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array): Promise<void>;
  remove(keys: readonly string[]): Promise<void>;
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

export function s3ObjectStore(client: S3Client, { bucket, prefix }: S3Location): ObjectStore {
  const location = `s3://${bucket}/${prefix}`;
  const failed = (action: string, key: string) => (cause: unknown) => {
    throw new LakeError(`cannot ${action} ${location}${key}`, { cause, context: { key: `${prefix}${key}` } });
  };
  return {
    location,
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${key}` }));
        return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      } catch (cause) {
        if ((cause as { name?: string }).name === 'NoSuchKey') return undefined;
        return failed('read', key)(cause);
      }
    },
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${key}`, Body: body })).catch(failed('write', key));
    },
    async remove(keys) {
      for (let start = 0; start < keys.length; start += 1000) {
        const batch = keys.slice(start, start + 1000).map((key) => ({ Key: `${prefix}${key}` }));
        await client
          .send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }))
          .catch(failed('delete', ''));
      }
    },
  };
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAws, fakeAwsClientConfig, startFakeAws } from './index.js';

let fake: FakeAws;
let bucketDir: string;
let s3: S3Client;
const Bucket = 'lake';

/** The status and S3 error code a rejected request carries. */
async function rejection(promise: Promise<unknown>): Promise<{ status: number | undefined; code: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as S3ServiceException;
    return { status: failure.$metadata?.httpStatusCode, code: failure.name };
  }
  throw new Error('the request succeeded');
}

beforeAll(async () => {
  bucketDir = await mkdtemp(join(tmpdir(), 'meshwatch-fake-s3-'));
  fake = await startFakeAws({ sampleDir: bucketDir, buckets: { [Bucket]: bucketDir } });
  s3 = new S3Client({ ...fakeAwsClientConfig(fake), maxAttempts: 1 });
});

afterAll(async () => {
  s3.destroy();
  await fake.close();
  await rm(bucketDir, { recursive: true, force: true });
});

beforeEach(async () => {
  fake.reset();
  await rm(join(bucketDir, 'k'), { recursive: true, force: true });
});

describe('fake S3 writes', () => {
  it('stores a PutObject body byte for byte and returns its ETag', async () => {
    // Prepare
    const body = new Uint8Array([0, 255, 10, 13, 128, 1]);

    // Act
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'k/binary.bin', Body: body }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'k/binary.bin' }));

    // Assess
    expect(new Uint8Array(await readFile(join(bucketDir, 'k', 'binary.bin')))).toEqual(body);
    expect(put.ETag).toBe(head.ETag);
    expect(fake.requestsFor('PutObject')).toHaveLength(1);
  });

  it('deletes one key and a batch of keys', async () => {
    // Prepare
    for (const key of ['k/a', 'k/b', 'k/c']) await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: key }));

    // Act
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k/a' }));
    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'k/b' }, { Key: 'k/c' }], Quiet: true } }));

    // Assess
    for (const Key of ['k/a', 'k/b', 'k/c']) {
      expect(await rejection(s3.send(new GetObjectCommand({ Bucket, Key })))).toEqual({ status: 404, code: 'NoSuchKey' });
    }
  });
});

describe('fake S3 conditional writes, as S3 answers them', () => {
  it('creates with If-None-Match: * only when the key is absent (412 PreconditionFailed after)', async () => {
    // Act
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k/lease', Body: 'first', IfNoneMatch: '*' }));
    const second = await rejection(s3.send(new PutObjectCommand({ Bucket, Key: 'k/lease', Body: 'second', IfNoneMatch: '*' })));

    // Assess
    expect(second).toEqual({ status: 412, code: 'PreconditionFailed' });
    expect(await readFile(join(bucketDir, 'k', 'lease'), 'utf8')).toBe('first');
  });

  it('overwrites with If-Match only while the ETag is current', async () => {
    // Prepare
    const { ETag: first } = await s3.send(new PutObjectCommand({ Bucket, Key: 'k/lease', Body: 'v1' }));
    const { ETag: second } = await s3.send(new PutObjectCommand({ Bucket, Key: 'k/lease', Body: 'v2', IfMatch: first }));

    // Act
    const stale = await rejection(s3.send(new PutObjectCommand({ Bucket, Key: 'k/lease', Body: 'v3', IfMatch: first })));
    const absent = await rejection(s3.send(new PutObjectCommand({ Bucket, Key: 'k/none', Body: 'x', IfMatch: first })));

    // Assess
    expect(second).not.toBe(first);
    expect(stale).toEqual({ status: 412, code: 'PreconditionFailed' });
    expect(absent).toEqual({ status: 404, code: 'NoSuchKey' });
    expect(await readFile(join(bucketDir, 'k', 'lease'), 'utf8')).toBe('v2');
  });

  it('deletes with If-Match only the version it names', async () => {
    // Prepare
    const { ETag: old } = await s3.send(new PutObjectCommand({ Bucket, Key: 'k/lease', Body: 'mine' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k/lease', Body: 'theirs' }));

    // Act
    const refused = await rejection(s3.send(new DeleteObjectCommand({ Bucket, Key: 'k/lease', IfMatch: old })));
    const { ETag: current } = await s3.send(new HeadObjectCommand({ Bucket, Key: 'k/lease' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k/lease', IfMatch: current }));
    const gone = await rejection(s3.send(new DeleteObjectCommand({ Bucket, Key: 'k/lease', IfMatch: current })));

    // Assess
    expect(refused).toEqual({ status: 412, code: 'PreconditionFailed' });
    expect(gone).toEqual({ status: 404, code: 'NoSuchKey' });
  });

  it('lets exactly one of many racing If-None-Match creates win; the rest get 412 or 409', async () => {
    // Act
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        s3.send(new PutObjectCommand({ Bucket, Key: 'k/race', Body: `writer-${index}`, IfNoneMatch: '*' })),
      ),
    );

    // Assess
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const lost = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [(attempt.reason as Error).name] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const name of lost) expect(['PreconditionFailed', 'ConditionalRequestConflict']).toContain(name);
  });

  it('keeps a sidecar-free key space: a PutObject cannot write a metadata sidecar', async () => {
    const refused = await rejection(s3.send(new PutObjectCommand({ Bucket, Key: 'plain.s3meta.json', Body: '{}' })));
    expect(refused.status).toBe(400);
  });
});

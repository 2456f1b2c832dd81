import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collectCloudtrail } from '../../../ingest/cloudtrail/collector.js';
import { checkDigest, publicKeysFrom } from '../../../ingest/cloudtrail/digest-verify.js';
import { contextFor, logKey, ORG, readDataset, record, tempDir, writeObject } from './helpers.js';

const ACCOUNT = '311111111111';
const BUCKET = 'org-trail';
const FINGERPRINT = 'f00dfeedf00dfeedf00dfeedf00dfeed';

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ format: 'der', type: 'pkcs1' });
  return { privateKey, publicKeysJson: { PublicKeyList: [{ Value: der.toString('base64'), Fingerprint: FINGERPRINT }] } };
}

function digestKey(end: string): string {
  const stamp = end.replace(/[-:]/g, '');
  return `AWSLogs/${ORG}/${ACCOUNT}/CloudTrail-Digest/us-east-1/${end.slice(0, 4)}/${end.slice(5, 7)}/${end.slice(8, 10)}/${ACCOUNT}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_${stamp}.json.gz`;
}

interface DigestSpec {
  readonly end: string;
  readonly logs: { key: string; content: string }[];
  readonly previous: { key: string; signature: string } | null;
}

/** Writes a signed digest and its metadata sidecar as CloudTrail would; returns its key and signature. */
async function writeDigest(trail: string, privateKey: KeyObject, spec: DigestSpec): Promise<{ key: string; signature: string }> {
  const key = digestKey(spec.end);
  const document = {
    awsAccountId: ACCOUNT,
    digestStartTime: spec.end,
    digestEndTime: spec.end,
    digestS3Bucket: BUCKET,
    digestS3Object: key,
    digestPublicKeyFingerprint: FINGERPRINT,
    digestSignatureAlgorithm: 'SHA256withRSA',
    previousDigestS3Bucket: spec.previous ? BUCKET : null,
    previousDigestS3Object: spec.previous?.key ?? null,
    previousDigestHashValue: null,
    previousDigestHashAlgorithm: null,
    previousDigestSignature: spec.previous?.signature ?? null,
    logFiles: spec.logs.map((log) => ({
      s3Bucket: BUCKET,
      s3Object: log.key,
      hashValue: createHash('sha256').update(log.content).digest('hex'),
      hashAlgorithm: 'SHA-256',
    })),
  };
  const content = JSON.stringify(document);
  const toSign = `${spec.end}\n${BUCKET}/${key}\n${createHash('sha256').update(content).digest('hex')}\n${spec.previous?.signature ?? 'null'}`;
  const signature = sign('sha256', Buffer.from(toSign), privateKey).toString('hex');
  await writeObject(trail, key, gzipSync(content));
  await writeFile(
    join(trail, `${key}.s3meta.json`),
    JSON.stringify({ Metadata: { signature, 'signature-algorithm': 'SHA256withRSA' } }),
  );
  return { key, signature };
}

async function writeLog(trail: string, key: string, eventId: string): Promise<{ key: string; content: string }> {
  const content = JSON.stringify({ Records: [record({ eventID: eventId })] });
  await writeObject(trail, key, gzipSync(content));
  return { key, content };
}

describe('log-file integrity validation', () => {
  it('marks objects verified, mismatch (changed after delivery) and missing, and reports them loudly', async () => {
    // Prepare
    const dir = await tempDir('digest');
    const trail = join(dir, 'trail');
    const { privateKey, publicKeysJson } = keyPair();
    const intact = await writeLog(trail, logKey(ACCOUNT, 'us-east-1', '20261001T1005Z', 'INTACTINTACTINT1'), 'i-1');
    const changed = await writeLog(trail, logKey(ACCOUNT, 'us-east-1', '20261001T1010Z', 'CHANGEDCHANGEDC1'), 'c-1');
    const gone = { key: logKey(ACCOUNT, 'us-east-1', '20261001T1055Z', 'GONEGONEGONEGON1'), content: '{"Records":[]}' };
    await writeFile(join(trail, 'public-keys.json'), JSON.stringify(publicKeysJson));
    const first = await writeDigest(trail, privateKey, { end: '2026-10-01T11:00:00Z', logs: [intact, changed], previous: null });
    await writeDigest(trail, privateKey, { end: '2026-10-01T12:00:00Z', logs: [gone], previous: first });
    await writeObject(trail, changed.key, { Records: [record({ eventID: 'c-1', eventName: 'Tampered' })] });
    const ctx = contextFor(dir, { path: trail });

    // Act
    const result = await collectCloudtrail(ctx, {});

    // Assess
    const objects = await readDataset(ctx.layout.root, 'object_key, status, verification', 'cloudtrail_objects');
    expect(objects).toEqual([
      { object_key: intact.key, status: 'ok', verification: 'verified' },
      { object_key: changed.key, status: 'ok', verification: 'mismatch' },
      { object_key: gone.key, status: 'missing', verification: 'missing' },
    ]);
    expect(result.notes[1]).toBe(
      'integrity: 1 verified, 0 unverified, 1 mismatch, 1 missing (2 new digests, 0 invalid, 0 chain breaks)',
    );
    expect(ctx.lines.some((line) => line.startsWith('warning:') && line.includes('MISSING') && line.includes(gone.key))).toBe(
      true,
    );
    expect(ctx.lines.some((line) => line.startsWith('warning:') && line.includes('mismatch') && line.includes(changed.key))).toBe(
      true,
    );
  });

  it('verifies objects read by an earlier run when their digest arrives later, and flags a broken chain', async () => {
    // Prepare
    const dir = await tempDir('digest-late');
    const trail = join(dir, 'trail');
    const { privateKey, publicKeysJson } = keyPair();
    const log = await writeLog(trail, logKey(ACCOUNT, 'us-east-1', '20261001T1005Z', 'LATELATELATELAT1'), 'l-1');
    await writeFile(join(trail, 'public-keys.json'), JSON.stringify(publicKeysJson));
    const ctx = contextFor(dir, { path: trail });
    await collectCloudtrail(ctx, {});
    const before = await readDataset(ctx.layout.root, 'verification', 'cloudtrail_objects');
    await writeDigest(trail, privateKey, {
      end: '2026-10-01T11:00:00Z',
      logs: [log],
      previous: { key: digestKey('2026-10-01T10:00:00Z'), signature: 'abcd' },
    });

    // Act
    const result = await collectCloudtrail(ctx, {});

    // Assess
    expect(before).toEqual([{ verification: 'unverified' }]);
    expect(await readDataset(ctx.layout.root, 'verification', 'cloudtrail_objects')).toEqual([{ verification: 'verified' }]);
    expect(result.notes[1]).toContain('1 chain breaks');
    expect(ctx.lines.some((line) => line.includes('digest chain broken'))).toBe(true);
  });
});

describe('checkDigest', () => {
  it('rejects a digest whose signature was made with another key, and one that names another location', () => {
    // Prepare
    const { publicKeysJson } = keyPair();
    const other = keyPair();
    const key = digestKey('2026-10-01T11:00:00Z');
    const content = JSON.stringify({
      digestEndTime: '2026-10-01T11:00:00Z',
      digestS3Bucket: BUCKET,
      digestS3Object: key,
      digestPublicKeyFingerprint: FINGERPRINT,
      previousDigestSignature: null,
      logFiles: [],
    });
    const toSign = `2026-10-01T11:00:00Z\n${BUCKET}/${key}\n${createHash('sha256').update(content).digest('hex')}\nnull`;
    const forged = sign('sha256', Buffer.from(toSign), other.privateKey).toString('hex');
    const keys = publicKeysFrom(publicKeysJson);
    // Act
    const wrongKey = checkDigest(key, gzipSync(content), forged, keys);
    const moved = checkDigest(digestKey('2026-10-02T11:00:00Z'), gzipSync(content), forged, keys);
    const unsigned = checkDigest(key, gzipSync(content), undefined, keys);
    // Assess
    expect(wrongKey.signatureValid).toBe(false);
    expect(moved).toMatchObject({ signatureValid: false, detail: expect.stringContaining('names another location') });
    expect(unsigned).toMatchObject({ signatureValid: null, detail: expect.stringContaining('x-amz-meta-signature') });
  });
});

/**
 * CloudTrail log-file integrity validation, as AWS documents it (and the AWS CLI's
 * `validate-logs` implements it):
 *   - a digest file lists the log files delivered in its hour with the hex SHA-256 of each one's
 *     *uncompressed* content;
 *   - the digest is signed (SHA256withRSA, PKCS#1 v1.5) over
 *       `<digestEndTime>\n<digestS3Bucket>/<digestS3Object>\n<hex sha256(uncompressed digest)>\n<previousDigestSignature | "null">`
 *     with the region's key, whose DER PKCS#1 public half ListPublicKeys returns (matched on
 *     `digestPublicKeyFingerprint`); the signature is in the digest object's `x-amz-meta-signature`;
 *   - each digest names the previous one (`previousDigestS3Object`, `previousDigestSignature`): a
 *     chain that proves no digest was removed.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { canonicalKey } from './trail-source.js';

export interface DigestDocument {
  readonly digestEndTime: string;
  readonly digestS3Bucket: string;
  readonly digestS3Object: string;
  readonly digestPublicKeyFingerprint?: string;
  readonly digestSignatureAlgorithm?: string;
  readonly previousDigestS3Object?: string | null;
  readonly previousDigestSignature?: string | null;
  readonly logFiles?: readonly { s3Object: string; hashValue: string; hashAlgorithm?: string }[];
}

export interface DigestCheck {
  readonly document: DigestDocument | null;
  /** true: valid; false: wrong (tampered, or not where it claims to be); null: could not be checked. */
  readonly signatureValid: boolean | null;
  readonly detail: string;
}

export type PublicKeys = ReadonlyMap<string, KeyObject>;

/** Public keys from a ListPublicKeys body (API `PublicKeyList` or CLI `publicKeyList`), by fingerprint. */
export function publicKeysFrom(body: unknown): PublicKeys {
  const keys = new Map<string, KeyObject>();
  const list = ((body as { PublicKeyList?: unknown[] })?.PublicKeyList ??
    (body as { publicKeyList?: unknown[] })?.publicKeyList ??
    []) as {
    Value?: string;
    Fingerprint?: string;
  }[];
  for (const entry of list) {
    if (typeof entry.Value !== 'string' || typeof entry.Fingerprint !== 'string') continue;
    try {
      keys.set(entry.Fingerprint, createPublicKey({ key: Buffer.from(entry.Value, 'base64'), format: 'der', type: 'pkcs1' }));
    } catch {
      // A key that does not load cannot verify anything; digests signed with it stay unverified.
    }
  }
  return keys;
}

export function checkDigest(key: string, bytes: Uint8Array, signature: string | undefined, keys: PublicKeys): DigestCheck {
  let content: Buffer;
  let document: DigestDocument;
  try {
    content = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : Buffer.from(bytes);
    document = JSON.parse(content.toString('utf8')) as DigestDocument;
  } catch (error) {
    return { document: null, signatureValid: false, detail: `digest ${key} is unreadable: ${(error as Error).message}` };
  }
  if (typeof document.digestS3Object !== 'string' || canonicalKey(document.digestS3Object) !== canonicalKey(key)) {
    return { document, signatureValid: false, detail: `digest ${key} names another location (${document.digestS3Object})` };
  }
  if (!signature) return { document, signatureValid: null, detail: 'no x-amz-meta-signature on the digest object' };
  const publicKey = keys.get(document.digestPublicKeyFingerprint ?? '');
  if (!publicKey) {
    return { document, signatureValid: null, detail: `no public key with fingerprint ${document.digestPublicKeyFingerprint}` };
  }
  const toSign = [
    document.digestEndTime,
    `${document.digestS3Bucket}/${document.digestS3Object}`,
    createHash('sha256').update(content).digest('hex'),
    document.previousDigestSignature ?? 'null',
  ].join('\n');
  let valid = false;
  try {
    valid = verify('sha256', Buffer.from(toSign, 'utf8'), publicKey, Buffer.from(signature, 'hex'));
  } catch {
    valid = false;
  }
  return { document, signatureValid: valid, detail: valid ? 'signature valid' : 'digest signature does not verify' };
}

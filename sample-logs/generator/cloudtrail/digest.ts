/**
 * CloudTrail log-file validation: digest files that list each delivered log file with the SHA-256 of
 * its uncompressed content, chain to the previous digest, and are signed SHA256withRSA over
 * `digestEndTime \n bucket/key \n hex(SHA-256(uncompressed digest)) \n previousDigestSignature|null`
 * (the string the AWS CLI's `validate-logs` rebuilds). The signature lives in S3 object metadata;
 * the sample writes it beside the digest as `<digest>.s3meta.json`.
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ORG_ID, TRAIL_BUCKET, TRAIL_NAME } from '../org.js';
import { compactSecond, epochSeconds, iso } from '../time.js';

// Test-only key committed on purpose (see keys/README.md): it makes the sample's signatures deterministic.
const KEY_FILE = fileURLToPath(new URL('../keys/cloudtrail-sample-signing-key.pem', import.meta.url));

export interface LogFileEntry {
  readonly s3Object: string;
  readonly hashValue: string;
  readonly newestEventTime: string;
  readonly oldestEventTime: string;
}

interface ChainState {
  key: string;
  hash: string;
  signature: string;
}

export interface SignedDigest {
  readonly key: string;
  readonly body: string;
  readonly meta: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export class DigestSigner {
  private readonly privateKey = createPrivateKey(readFileSync(KEY_FILE));
  private readonly publicDer = createPublicKey(this.privateKey).export({ type: 'pkcs1', format: 'der' });
  readonly fingerprint = createHash('md5').update(this.publicDer).digest('hex');
  private readonly chains = new Map<string, ChainState>();

  /** The CloudTrail ListPublicKeys response body for this key. */
  publicKeysBody(validFromMs: number, validToMs: number): string {
    return JSON.stringify(
      {
        PublicKeyList: [
          {
            Value: this.publicDer.toString('base64'),
            ValidityStartTime: epochSeconds(validFromMs),
            ValidityEndTime: epochSeconds(validToMs),
            Fingerprint: this.fingerprint,
          },
        ],
      },
      null,
      2,
    );
  }

  digest(accountId: string, region: string, startMs: number, endMs: number, logFiles: readonly LogFileEntry[]): SignedDigest {
    const chainKey = `${accountId}/${region}`;
    const previous = this.chains.get(chainKey) ?? null;
    const end = new Date(endMs);
    const folder = `${end.getUTCFullYear()}/${String(end.getUTCMonth() + 1).padStart(2, '0')}/${String(end.getUTCDate()).padStart(2, '0')}`;
    const key = `AWSLogs/${ORG_ID}/${accountId}/CloudTrail-Digest/${region}/${folder}/${accountId}_CloudTrail-Digest_${region}_${TRAIL_NAME}_${region}_${compactSecond(endMs)}.json.gz`;
    const times = logFiles.flatMap((file) => [file.oldestEventTime, file.newestEventTime]).sort();
    const document = {
      awsAccountId: accountId,
      digestStartTime: iso(startMs),
      digestEndTime: iso(endMs),
      digestS3Bucket: TRAIL_BUCKET,
      digestS3Object: key,
      digestPublicKeyFingerprint: this.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: times.length > 0 ? times[times.length - 1] : null,
      oldestEventTime: times.length > 0 ? times[0] : null,
      previousDigestS3Bucket: previous ? TRAIL_BUCKET : null,
      previousDigestS3Object: previous ? previous.key : null,
      previousDigestHashValue: previous ? previous.hash : null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous ? previous.signature : null,
      logFiles: logFiles.map((file) => ({
        s3Bucket: TRAIL_BUCKET,
        s3Object: file.s3Object,
        hashValue: file.hashValue,
        hashAlgorithm: 'SHA-256',
        newestEventTime: file.newestEventTime,
        oldestEventTime: file.oldestEventTime,
      })),
    };
    const body = JSON.stringify(document);
    const hash = sha256Hex(body);
    const toSign = `${document.digestEndTime}\n${TRAIL_BUCKET}/${key}\n${hash}\n${previous ? previous.signature : 'null'}`;
    const signature = sign('sha256', Buffer.from(toSign, 'utf8'), this.privateKey).toString('hex');
    this.chains.set(chainKey, { key, hash, signature });
    return { key, body, meta: JSON.stringify({ signature, 'signature-algorithm': 'SHA256withRSA' }) };
  }
}

/**
 * Reads the digests a run has not seen yet, checks their signatures and chain, and turns them into
 * the expected hash of every log object they name. Objects then get their verdict as they are read
 * (or at once, when an earlier run read them): verified | unverified | mismatch, and `missing` for a
 * named object that is not there. Mismatches, missing objects and chain breaks are warnings.
 */
import type { Logger } from '../../lib/log.js';
import { checkDigest, type PublicKeys, publicKeysFrom } from './digest-verify.js';
import type { Manifest, Verification } from './manifest.js';
import { parseObjectKey } from './object-key.js';
import { prefetched } from './prefetch.js';
import { canonicalKey, type ListingPlan, type TrailSource } from './trail-source.js';

/** Digests downloaded ahead of the (sequential) chain check. */
const DIGEST_PREFETCH = 8;

export interface ExpectedHash {
  readonly hash: string;
  readonly digestKey: string;
  readonly signatureValid: boolean | null;
  readonly digestDetail: string;
}

export interface IntegrityScan {
  readonly expected: Map<string, ExpectedHash>;
  readonly digestsRead: number;
  readonly digestsInvalid: number;
  readonly chainBreaks: number;
  /** `<account>/<region>` of every digest listed (read now or before): where objects can be verified at all. */
  readonly digestScopes: ReadonlySet<string>;
}

export async function scanDigests(
  source: TrailSource,
  plan: ListingPlan,
  manifest: Manifest,
  logger: Logger,
): Promise<IntegrityScan> {
  const listed = new Map<string, string>();
  const digestScopes = new Set<string>();
  for await (const object of source.list(plan, 'CloudTrail-Digest')) {
    const info = parseObjectKey(object.key);
    if (info?.kind !== 'digest') continue;
    listed.set(object.key, object.version);
    digestScopes.add(`${info.accountId}/${info.region}`);
  }
  const fresh = [...listed]
    .filter(([key, version]) => manifest.digests[key]?.version !== version)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const expected = new Map<string, ExpectedHash>();
  if (fresh.length === 0) return { expected, digestsRead: 0, digestsInvalid: 0, chainBreaks: 0, digestScopes };
  const keys: PublicKeys = publicKeysFrom(await source.publicKeys());
  const signatures = new Map<string, string | undefined>();
  let digestsInvalid = 0;
  let chainBreaks = 0;
  const download = async ([key]: [string, string]) => ({ bytes: await source.read(key), metadata: await source.metadata(key) });
  for await (const [[key, version], { bytes, metadata }] of prefetched(fresh, download, DIGEST_PREFETCH)) {
    if (!bytes) continue;
    const signature = metadata.signature;
    signatures.set(key, signature);
    const check = checkDigest(key, bytes, signature, keys);
    if (check.signatureValid === false) {
      digestsInvalid++;
      logger.warn(`cloudtrail: digest ${key}: ${check.detail}`);
    }
    const broken = await chainProblem(check.document?.previousDigestS3Object, check.document?.previousDigestSignature, {
      source,
      manifest,
      listed,
      signatures,
    });
    if (broken) {
      chainBreaks++;
      logger.warn(`cloudtrail: digest chain broken at ${key}: ${broken}`);
    }
    manifest.digests[key] = {
      key,
      signature: signature ?? null,
      signatureValid: check.signatureValid,
      detail: check.detail,
      version,
    };
    for (const file of check.document?.logFiles ?? []) {
      if (typeof file?.s3Object !== 'string' || typeof file.hashValue !== 'string') continue;
      expected.set(canonicalKey(file.s3Object), {
        hash: file.hashValue.toLowerCase(),
        digestKey: key,
        signatureValid: check.signatureValid,
        digestDetail: check.detail,
      });
    }
  }
  return { expected, digestsRead: fresh.length, digestsInvalid, chainBreaks, digestScopes };
}

interface ChainContext {
  readonly source: TrailSource;
  readonly manifest: Manifest;
  readonly listed: Map<string, string>;
  readonly signatures: Map<string, string | undefined>;
}

async function chainProblem(
  previousObject: string | null | undefined,
  previousSignature: string | null | undefined,
  context: ChainContext,
): Promise<string | null> {
  if (!previousObject) return null;
  const previousKey = canonicalKey(previousObject);
  const knownSignature = context.signatures.get(previousKey) ?? context.manifest.digests[previousKey]?.signature ?? undefined;
  if (!context.listed.has(previousKey) && !context.manifest.digests[previousKey] && !(await context.source.exists(previousKey))) {
    return `the previous digest ${previousKey} is missing`;
  }
  if (knownSignature && previousSignature && knownSignature !== previousSignature) {
    return `the previous digest ${previousKey} carries another signature than this digest records`;
  }
  return null;
}

/** An object's verdict from what its digest expects and the hash of what was read. */
export function verdictFor(
  expected: ExpectedHash | undefined,
  sha256: string | null,
): { verification: Verification; detail: string } {
  if (!expected) return { verification: 'unverified', detail: 'no digest names this object (yet)' };
  if (sha256 === null)
    return { verification: 'mismatch', detail: `unreadable, so its SHA-256 cannot match digest ${expected.digestKey}` };
  if (sha256 !== expected.hash) return { verification: 'mismatch', detail: `SHA-256 differs from digest ${expected.digestKey}` };
  if (expected.signatureValid === true)
    return { verification: 'verified', detail: `matches signed digest ${expected.digestKey}` };
  if (expected.signatureValid === false) {
    return {
      verification: 'mismatch',
      detail: `matches digest ${expected.digestKey}, but the digest is invalid: ${expected.digestDetail}`,
    };
  }
  return {
    verification: 'unverified',
    detail: `matches digest ${expected.digestKey}; signature not checked: ${expected.digestDetail}`,
  };
}

/**
 * Where org-trail objects come from: a local copy (`aws s3 sync`) or the bucket itself. Both speak
 * in canonical keys — the key from `AWSLogs/` on — so the manifest, digests (whose `s3Object` names
 * the full key) and the dataset's `source_object` agree whichever source read the object.
 */

export interface TrailObject {
  /** Canonical key, from `AWSLogs/` on. */
  readonly key: string;
  readonly size: number;
  /** S3 ETag, or the local file's mtime: a change means the object must be read again. */
  readonly version: string;
  /** Set when the entry must not be read (a symlink out of the local copy): it is quarantined with this. */
  readonly refused?: RefusedObject;
}

/** Why a listed object is quarantined unread: `reason` is the code, `detail` the sentence. */
export interface RefusedObject {
  readonly reason: string;
  readonly detail: string;
}

/** What to list: accounts × regions × days (undefined = every one present). */
export interface ListingPlan {
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** Inclusive `YYYY-MM-DD` key days. */
  readonly days?: readonly string[];
}

/** The folders CloudTrail writes under `AWSLogs/[<org>/]<account>/`. */
export type TrailFolder = 'CloudTrail' | 'CloudTrail-Digest' | 'CloudTrail-Insight';

export type ObjectInput = { readonly path: string } | { readonly bytes: Uint8Array };

export interface TrailSource {
  /** For messages: the folder or s3:// URL. */
  readonly location: string;
  /** Log objects (`CloudTrail/`), digests (`CloudTrail-Digest/`) or Insights objects (`CloudTrail-Insight/`) the plan selects. */
  list(plan: ListingPlan, folder: TrailFolder): AsyncIterable<TrailObject>;
  /** How a worker gets the object: a path it reads itself, or bytes fetched here. */
  input(object: TrailObject): Promise<ObjectInput>;
  /** The whole object, or null when it does not exist. */
  read(key: string): Promise<Uint8Array | null>;
  /** User metadata (`x-amz-meta-*` without the prefix): the digest signature lives there. */
  metadata(key: string): Promise<Record<string, string>>;
  exists(key: string): Promise<boolean>;
  /** The ListPublicKeys body saved beside the trail (`public-keys.json`), or null. */
  publicKeys(): Promise<unknown | null>;
}

/** The canonical key of any full S3 key or relative path: from `AWSLogs/` on (or unchanged). */
export function canonicalKey(key: string): string {
  const normalised = key.replaceAll('\\', '/');
  const at = normalised.startsWith('AWSLogs/') ? 0 : normalised.indexOf('/AWSLogs/');
  return at <= 0 ? normalised : normalised.slice(at + 1);
}

/**
 * The manifest of processed objects (`<lake>/_state/cloudtrail/manifest.json`): what each log
 * object was (key, size, ETag/mtime), what became of its records, and its integrity verdict. A run
 * reads only objects that are new or changed; the manifest is replaced in the same publish step as
 * the Parquet it describes, so the two never disagree after a crash.
 */
import { readFile } from 'node:fs/promises';
import { LakeError } from '../../lib/errors.js';

export type ObjectStatus = 'ok' | 'quarantined' | 'missing';
export type Verification = 'verified' | 'unverified' | 'mismatch' | 'missing';

export interface ManifestEntry {
  readonly object_key: string;
  readonly account_id: string | null;
  readonly region: string | null;
  readonly log_date: string | null;
  readonly delivered_at: string | null;
  readonly size_bytes: number;
  readonly etag_or_mtime: string;
  records: number;
  written: number;
  quarantined: number;
  duplicates: number;
  status: ObjectStatus;
  verification: Verification;
  verification_detail: string;
  readonly ingested_at: string;
  /** Hex SHA-256 of the uncompressed content, for digests that arrive later. */
  readonly sha256: string | null;
}

export interface DigestEntry {
  readonly key: string;
  readonly signature: string | null;
  /** true: signature checked; false: checked and wrong; null: could not be checked. */
  readonly signatureValid: boolean | null;
  readonly detail: string;
  readonly version: string;
}

export interface Manifest {
  version: 1;
  objects: Record<string, ManifestEntry>;
  digests: Record<string, DigestEntry>;
}

export function emptyManifest(): Manifest {
  return { version: 1, objects: {}, digests: {} };
}

export async function loadManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw new LakeError('cannot read the CloudTrail manifest', { cause: error, context: { file: path } });
  }
  try {
    const manifest = JSON.parse(text) as Manifest;
    if (manifest.version !== 1 || typeof manifest.objects !== 'object') throw new Error('unknown manifest version');
    manifest.digests ??= {};
    return manifest;
  } catch (error) {
    throw new LakeError('the CloudTrail manifest is unreadable', {
      cause: error,
      context: { file: path },
      hint: 'delete the file to re-read every object (the dataset is rebuilt idempotently)',
    });
  }
}

/** True when the object is new or changed since it was processed. */
export function needsProcessing(manifest: Manifest, key: string, size: number, version: string): boolean {
  const entry = manifest.objects[key];
  return !entry || entry.status === 'missing' || entry.size_bytes !== size || entry.etag_or_mtime !== version;
}

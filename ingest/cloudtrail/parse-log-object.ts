/**
 * One delivered log object's bytes → its records, or the reason it cannot be read. The object is
 * gzip JSON `{"Records": [...]}` (a plain `.json` copy is accepted too). Reasons are the fixed
 * vocabulary the quarantine, the summary and the sample's truth.json share.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

export const OBJECT_PROBLEM_REASONS = ['truncated_gzip', 'bad_gzip', 'not_json', 'no_records', 'unreadable'] as const;
export type ObjectProblemReason = (typeof OBJECT_PROBLEM_REASONS)[number];

export interface ParsedLogObject {
  readonly records: unknown[];
  /** Hex SHA-256 of the uncompressed content (what a digest file records), when asked for. */
  readonly sha256: string | null;
  /** The uncompressed object, as delivered. */
  readonly text: Buffer;
  /** True when the document holds nothing but `Records`. */
  readonly onlyRecords: boolean;
}

export interface ObjectProblem {
  readonly reason: ObjectProblemReason;
  readonly detail: string;
  readonly sha256: string | null;
}

export function parseLogObject(bytes: Uint8Array, { hash = false } = {}): ParsedLogObject | ObjectProblem {
  let text: Buffer;
  if (isGzip(bytes)) {
    try {
      text = gunzipSync(bytes);
    } catch (error) {
      const message = (error as Error).message;
      const truncated = /unexpected end of file/i.test(message);
      return { reason: truncated ? 'truncated_gzip' : 'bad_gzip', detail: `gunzip failed: ${message}`, sha256: null };
    }
  } else {
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const sha256 = hash ? createHash('sha256').update(text).digest('hex') : null;
  let document: unknown;
  try {
    document = JSON.parse(text.toString('utf8'));
  } catch (error) {
    return { reason: 'not_json', detail: `JSON.parse failed: ${(error as Error).message}`, sha256 };
  }
  const records = (document as { Records?: unknown } | null)?.Records;
  if (document === null || typeof document !== 'object' || Array.isArray(document) || !Array.isArray(records)) {
    return { reason: 'no_records', detail: 'the object is JSON but has no "Records" array', sha256 };
  }
  return { records, sha256, text, onlyRecords: Object.keys(document).length === 1 };
}

export function isObjectProblem(value: ParsedLogObject | ObjectProblem): value is ObjectProblem {
  return 'reason' in value;
}

/** The gzip magic bytes (1f 8b): a delivered object is gzip, a local copy may be plain JSON. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

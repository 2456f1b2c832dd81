/**
 * Decides, from a log object's bytes alone, whether DuckDB may read it whole (native-batch.ts):
 * the object must be `{"Records": [ {...}, ... ]}` and nothing else, on one line, valid UTF-8, and every record
 * *canonical* in record-scan.ts's sense (minified, integers of at most 15 digits, no `\u`/`\/`
 * escapes, no digit-led keys) and free of duplicate keys outside its payload values.
 *
 * Why these rules: for such a record DuckDB's JSON text of the record and of each payload is the
 * record's own bytes — exactly what the JS path's fast rows hold — and DuckDB's text of any scalar
 * field equals JS's `scalarText` of it (JSON.parse keeps the last of duplicate keys, DuckDB's
 * `json_transform` the first; duplicates inside a payload value do not matter: both paths keep
 * the payload's bytes). Everything else about a record (missing or odd eventID/eventTime, booleans
 * spelt oddly, ...) is decided per record in SQL (native-batch-sql.ts). One pass over the bytes,
 * no JS values built: ~1–2 µs a record.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  breaksCanonicalForm,
  isNonCanonicalEscape,
  MAX_SAFE_DIGITS,
  payloadKeyIndex,
  recordsArrayStart,
  skipSpace,
} from './json-bytes.js';
import { isGzip } from './parse-log-object.js';

// Byte values the scan compares in its inner loop, declared here: read as imported bindings they
// measured ~1 µs a record slower (V8 does not fold another module's constants into the loop).
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const MINUS = 0x2d;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;
const ZERO = 0x30;

/** DuckDB's read_json allocates buffers of about twice this: larger objects take the JS path. */
export const NATIVE_MAX_OBJECT_BYTES = 16 * 1024 * 1024;

export interface NativeCandidate {
  /** Records in the object. */
  readonly records: number;
  /** Uncompressed size (DuckDB's maximum_object_size must exceed it). */
  readonly textBytes: number;
  /** Hex SHA-256 of the uncompressed object, when asked for (as parse-log-object.ts computes it). */
  readonly sha256: string | null;
}

/** The object's facts when DuckDB may read it whole, else null (the JS path takes it). */
export function examineForNative(bytes: Uint8Array, { hash = false } = {}): NativeCandidate | null {
  if (!isGzip(bytes)) return null;
  let text: Buffer;
  try {
    text = gunzipSync(bytes);
  } catch {
    return null;
  }
  if (text.length > NATIVE_MAX_OBJECT_BYTES || !isUtf8(text) || !oneLine(text)) return null;
  const records = canonicalRecordCount(text);
  if (records < 0) return null;
  return { records, textBytes: text.length, sha256: hash ? createHash('sha256').update(text).digest('hex') : null };
}

/**
 * DuckDB reads the object as one line of newline-delimited JSON (measured ~10% cheaper than its
 * format detection): a line break may only end the object. Inside JSON strings a line break is
 * always escaped, so any raw one is whitespace between tokens.
 */
function oneLine(text: Buffer): boolean {
  let end = text.length;
  while (end > 0 && (text[end - 1] === LF || text[end - 1] === CR || text[end - 1] === SPACE || text[end - 1] === TAB)) end--;
  const lineBreak = text.indexOf(LF);
  const carriageReturn = text.indexOf(CR);
  return (lineBreak < 0 || lineBreak >= end) && (carriageReturn < 0 || carriageReturn >= end);
}

/** Deeper nesting outside payloads is not expected in a CloudTrail record: such an object goes the JS way. */
const MAX_DEPTH = 64;
/** Scratch for scanRecord: 1 when the container open at that depth is an object, 0 for an array. */
const IS_OBJECT = new Uint8Array(MAX_DEPTH + 1);

/**
 * The number of records of `{"Records": [...]}` when every record passes (see the file comment),
 * else -1. Exported for tests.
 */
export function canonicalRecordCount(text: Uint8Array): number {
  let i = recordsArrayStart(text);
  if (i < 0) return -1;
  const keys = new KeyStack();
  let count = 0;
  if (text[i] !== CLOSE_BRACKET) {
    for (;;) {
      if (text[i] !== OPEN_BRACE) return -1;
      const end = scanRecord(text, i, keys);
      if (end < 0) return -1;
      count++;
      i = skipSpace(text, end);
      if (text[i] === COMMA) i = skipSpace(text, i + 1);
      else if (text[i] === CLOSE_BRACKET) break;
      else return -1;
    }
  }
  // Nothing but the closing brace may follow: another key would be a second "Records" or a document DuckDB reads differently.
  i = skipSpace(text, i + 1);
  if (text[i] !== CLOSE_BRACE) return -1;
  return skipSpace(text, i + 1) === text.length ? count : -1;
}

/** Key spans (and hashes) of the open objects outside payload values, to find duplicate keys when an object closes. */
class KeyStack {
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  hashes = new Int32Array(256);
  size = 0;
  /** Index in the arrays where the object open at each depth began. */
  readonly openedAt = new Int32Array(MAX_DEPTH + 1);

  push(text: Uint8Array, start: number, end: number): void {
    if (this.size === this.starts.length) this.grow();
    let hash = end - start;
    for (let j = start; j < end; j++) hash = (Math.imul(hash, 31) + (text[j] as number)) | 0;
    this.starts[this.size] = start;
    this.ends[this.size] = end;
    this.hashes[this.size] = hash;
    this.size++;
  }

  /** True when the object open at `depth` has two equal keys; forgets its keys either way. */
  closeHasDuplicate(text: Uint8Array, depth: number): boolean {
    const from = this.openedAt[depth] as number;
    const to = this.size;
    this.size = from;
    const hashes = this.hashes;
    for (let a = from; a < to; a++) {
      const hash = hashes[a] as number;
      for (let b = a + 1; b < to; b++) if (hashes[b] === hash && this.sameKey(text, a, b)) return true;
    }
    return false;
  }

  private sameKey(text: Uint8Array, a: number, b: number): boolean {
    const aStart = this.starts[a] as number;
    const bStart = this.starts[b] as number;
    const length = (this.ends[a] as number) - aStart;
    if ((this.ends[b] as number) - bStart !== length) return false;
    for (let j = 0; j < length; j++) if (text[aStart + j] !== text[bStart + j]) return false;
    return true;
  }

  private grow(): void {
    const grown = (array: Int32Array) => {
      const bigger = new Int32Array(array.length * 2);
      bigger.set(array);
      return bigger;
    };
    this.starts = grown(this.starts);
    this.ends = grown(this.ends);
    this.hashes = grown(this.hashes);
  }
}

/**
 * Scans the record object opening at `start`: returns the index just past it, or -1 when it never
 * closes or fails a rule. Tracks the keys of every object outside the payload values.
 */
function scanRecord(text: Uint8Array, start: number, keys: KeyStack): number {
  const length = text.length;
  keys.size = 0;
  let depth = 0;
  let digits = 0;
  let previous = 0;
  let keyStart = -1;
  let keyEnd = -1;
  /** Inside a payload value (depth 1's value of a payload key): keys are not tracked. */
  let inPayload = false;
  let i = start;
  while (i < length) {
    const byte = text[i] as number;
    if (byte === QUOTE) {
      // The string loop stays inline (a call per string measured ~1 µs a record slower).
      const stringStart = i;
      i++;
      while (i < length) {
        const c = text[i++];
        if (c === BACKSLASH) {
          if (isNonCanonicalEscape(text[i++] as number)) return -1;
        } else if (c === QUOTE) break;
      }
      keyStart = stringStart + 1;
      keyEnd = i - 1;
      digits = 0;
      previous = QUOTE;
      continue;
    }
    i++;
    if (byte >= ZERO && byte <= NINE) {
      if (++digits > MAX_SAFE_DIGITS || (digits === 1 && byte === ZERO && previous === MINUS)) return -1;
      previous = byte;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > MAX_DEPTH) return -1;
      IS_OBJECT[depth] = byte === OPEN_BRACE ? 1 : 0;
      if (!inPayload) keys.openedAt[depth] = keys.size;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth === 1) inPayload = false;
      if (!inPayload && IS_OBJECT[depth] === 1 && keys.closeHasDuplicate(text, depth)) return -1;
      if (--depth === 0) return i;
      if (depth === 1) inPayload = false;
    } else if (byte === COLON) {
      const first = text[keyStart] as number;
      if (first >= ZERO && first <= NINE) return -1;
      // A record's own keys are all tracked (a payload key twice is a duplicate too); keys inside a payload value are not.
      if (depth === 1) inPayload = payloadKeyIndex(text, keyStart, keyEnd) >= 0;
      if (depth === 1 || !inPayload) keys.push(text, keyStart, keyEnd);
    } else if (byte === COMMA) {
      if (depth === 1) inPayload = false;
    } else if (breaksCanonicalForm(byte, previous)) {
      return -1;
    }
    digits = 0;
    previous = byte;
  }
  return -1;
}

/**
 * A byte scan of a delivered log object `{"Records": [{...}, ...]}` that finds, without building
 * any JS value, where each record starts and ends, where its six JSON payload values sit, and
 * whether its text is already *canonical*: exactly what DuckDB would write back after reading it
 * as JSON (minified, no `\u`/`\/` escapes, integers of at most 15 digits, no digit-led keys).
 *
 * Why: a canonical record's bytes — and its payloads' bytes — are the dataset's JSON values as
 * they are, so the worker hands DuckDB byte ranges (sliced strings) instead of serialising parsed
 * values again and having DuckDB parse and re-serialise them (measured: the two cost about as much
 * as parsing the object). Anything unusual is simply not canonical and takes the old, careful path.
 */

import {
  breaksCanonicalForm,
  isNonCanonicalEscape,
  MAX_SAFE_DIGITS,
  PAYLOAD_KEYS,
  payloadKeyIndex,
  recordsArrayStart,
  skipSpace,
} from './json-bytes.js';

// Byte values the scan compares in its inner loop, declared here: read as imported bindings they
// measured ~1 µs a record slower (V8 does not fold another module's constants into the loop).
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;
const ZERO = 0x30;

export { PAYLOAD_KEYS } from './json-bytes.js';

export interface RecordLayout {
  /** [start, end) of record n at 2n, 2n+1. */
  readonly spans: Int32Array;
  /** [start, end) of payload k of record n at (n * 6 + k) * 2; -1 when the record has no such key. */
  readonly payloads: Int32Array;
  /** 1 when record n is canonical (see the file comment). */
  readonly canonical: Uint8Array;
}

/** The layout of `{"Records": [...]}` holding exactly `count` objects, or null when it is not that shape. */
export function scanRecords(text: Uint8Array, count: number): RecordLayout | null {
  let i = recordsArrayStart(text);
  if (i < 0) return null;
  const layout: RecordLayout = {
    spans: new Int32Array(count * 2),
    payloads: new Int32Array(count * PAYLOAD_KEYS.length * 2).fill(-1),
    canonical: new Uint8Array(count),
  };
  if (text[i] === CLOSE_BRACKET) return count === 0 ? layout : null;
  for (let n = 0; n < count; n++) {
    if (text[i] !== OPEN_BRACE) return null;
    const end = scanRecord(text, i, n, layout);
    if (end < 0) return null;
    layout.spans[2 * n] = i;
    layout.spans[2 * n + 1] = end;
    i = skipSpace(text, end);
    if (text[i] === COMMA) i = skipSpace(text, i + 1);
    else if (text[i] === CLOSE_BRACKET) return n + 1 === count ? layout : null;
    else return null;
  }
  return null;
}

/**
 * Scans the record object opening at `start`: returns the index just past it (-1 if it never
 * closes), and fills its payload ranges and canonical flag.
 */
function scanRecord(text: Uint8Array, start: number, n: number, layout: RecordLayout): number {
  const length = text.length;
  const payloadBase = n * PAYLOAD_KEYS.length * 2;
  let depth = 0;
  let canonical = true;
  let digits = 0;
  let previous = 0;
  let keyStart = -1;
  let keyEnd = -1;
  let openPayload = -1;
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
          if (isNonCanonicalEscape(text[i++] as number)) canonical = false;
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
      if (++digits > MAX_SAFE_DIGITS || (digits === 1 && byte === ZERO && previous === MINUS)) canonical = false;
      previous = byte;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth === 1 && openPayload >= 0) {
        layout.payloads[payloadBase + openPayload * 2 + 1] = i - 1;
        openPayload = -1;
      }
      if (--depth === 0) {
        layout.canonical[n] = canonical ? 1 : 0;
        return i;
      }
    } else if (byte === COLON) {
      // The string just read was a key: digit-led keys are reordered by JSON.parse.
      const first = text[keyStart] as number;
      if (first >= ZERO && first <= NINE) canonical = false;
      if (depth === 1) {
        const payload = payloadKeyIndex(text, keyStart, keyEnd);
        if (payload >= 0) {
          layout.payloads[payloadBase + payload * 2] = i;
          openPayload = payload;
        }
      }
    } else if (byte === COMMA) {
      if (depth === 1 && openPayload >= 0) {
        layout.payloads[payloadBase + openPayload * 2 + 1] = i - 1;
        openPayload = -1;
      }
    } else if (breaksCanonicalForm(byte, previous)) {
      canonical = false;
    }
    digits = 0;
    previous = byte;
  }
  return -1;
}

/**
 * Byte-level pieces shared by the two scans of a log object's JSON text: record-scan.ts (where the
 * records and payloads sit, for the JS path) and native-eligibility.ts (whether DuckDB may read the
 * object whole). Both run per byte on every object, so these stay small, allocation-free functions.
 * The byte values below are this module's own: each scan declares the ones its inner loop compares
 * (imported bindings measured ~1 µs a record slower there).
 */

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const PLUS = 0x2b;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_U = 0x75;
const SLASH = 0x2f;
const RECORDS_KEY = Buffer.from('"Records"', 'latin1');

/** Integers longer than this may not survive a round trip through a double (JSON.parse). */
export const MAX_SAFE_DIGITS = 15;

/** The record keys whose values are the dataset's JSON payload columns, in column order. */
export const PAYLOAD_KEYS = [
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'resources',
  'serviceEventDetails',
  'tlsDetails',
] as const;
const PAYLOAD_KEY_BYTES = PAYLOAD_KEYS.map((key) => Buffer.from(key, 'latin1'));

export function skipSpace(text: Uint8Array, from: number): number {
  let i = from;
  while (i < text.length) {
    const byte = text[i];
    if (byte !== SPACE && byte !== TAB && byte !== LF && byte !== CR) break;
    i++;
  }
  return i;
}

/** Where the first element of `{"Records": [` starts (after spaces), or -1 when the text does not open so. */
export function recordsArrayStart(text: Uint8Array): number {
  let i = skipSpace(text, 0);
  if (text[i] !== OPEN_BRACE) return -1;
  i = skipSpace(text, i + 1);
  for (let k = 0; k < RECORDS_KEY.length; k++) if (text[i + k] !== RECORDS_KEY[k]) return -1;
  i = skipSpace(text, i + RECORDS_KEY.length);
  if (text[i] !== COLON) return -1;
  i = skipSpace(text, i + 1);
  if (text[i] !== OPEN_BRACKET) return -1;
  return skipSpace(text, i + 1);
}

/** `\u` and `\/` escapes are not canonical: DuckDB writes those characters back unescaped. */
export function isNonCanonicalEscape(escaped: number): boolean {
  return escaped === LOWER_U || escaped === SLASH;
}

/**
 * True for a byte outside strings that minified, integer-only JSON never holds: white space, a
 * fraction or an exponent (`previous` is the byte before it, to tell an exponent `e` from `true`).
 */
export function breaksCanonicalForm(byte: number, previous: number): boolean {
  return (
    byte === SPACE ||
    byte === TAB ||
    byte === LF ||
    byte === CR ||
    byte === DOT ||
    byte === PLUS ||
    byte === UPPER_E ||
    (byte === LOWER_E && previous >= ZERO && previous <= NINE)
  );
}

/** The payload column index of the key text [start, end), or -1 when it is not a payload key. */
export function payloadKeyIndex(text: Uint8Array, start: number, end: number): number {
  const length = end - start;
  for (let k = 0; k < PAYLOAD_KEY_BYTES.length; k++) {
    const key = PAYLOAD_KEY_BYTES[k] as Buffer;
    if (key.length !== length) continue;
    let same = true;
    for (let j = 0; j < length; j++) {
      if (text[start + j] !== key[j]) {
        same = false;
        break;
      }
    }
    if (same) return k;
  }
  return -1;
}

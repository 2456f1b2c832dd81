/** UTC time helpers; every instant in the generator is epoch milliseconds. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function month(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

export function parseIso(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not an ISO time: ${text}`);
  return ms;
}

/** `20261001T0005Z`, the minute stamp in CloudTrail object names. */
export function compactMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z';
}

/** `20261001T000500Z`, the second stamp in digest names. */
export function compactSecond(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}

/** Epoch seconds with milliseconds, the JSON 1.1 timestamp style (`1593469842.665`). */
export function epochSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/**
 * What an org-trail object key says: log or digest, account, region, day and delivery time.
 * Keys are canonical (from `AWSLogs/` on, trail-source.ts):
 *   AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16>.json.gz
 *   AWSLogs/[o-orgid/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<...>_<YYYYMMDDTHHmmssZ>.json.gz
 * The pattern is anchored at both ends and a key with a `..`, `.` or empty segment, NUL or a
 * backslash is no trail file: anyone who may put an object in the bucket chooses its key (issue 24).
 */
import { describeReason, relativePathProblem } from '../../lib/lake/safe-path.js';

export type ObjectKind = 'log' | 'digest';

export interface ObjectKeyInfo {
  readonly kind: ObjectKind;
  readonly accountId: string;
  readonly region: string;
  /** `YYYY-MM-DD` from the key path. */
  readonly logDate: string;
  /** `YYYY-MM-DD HH:MM:SS` (UTC) from the file name, or null when the name has none. */
  readonly deliveredAt: string | null;
}

const KEY_PATTERN =
  /^AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/(CloudTrail|CloudTrail-Digest)\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)$/;
const NAME_TIME = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z(?:_|\.|$)/;

/** Null for keys that are neither log files nor digests (public-keys.json, sidecars, other trails' files). */
export function parseObjectKey(key: string): ObjectKeyInfo | null {
  if (unsafeKeyReason(key)) return null;
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const [, accountId, folder, region, year, month, day, name] = match as unknown as string[];
  const isLog = folder === 'CloudTrail';
  if (!name!.endsWith('.json.gz') && !name!.endsWith('.json')) return null;
  if (isLog && !name!.includes('_CloudTrail_')) return null;
  if (!isLog && !name!.includes('_CloudTrail-Digest_')) return null;
  const time = NAME_TIME.exec(name!);
  const logDate = `${year}-${month}-${day}`;
  if (!isRealDay(logDate)) return null;
  const deliveredAt = time ? `${time[1]}-${time[2]}-${time[3]} ${time[4]}:${time[5]}:${time[6] ?? '00'}` : null;
  return {
    kind: isLog ? 'log' : 'digest',
    accountId: accountId!,
    region: region!,
    logDate,
    // A name with an impossible time keeps its object; only the delivery time is unknown.
    deliveredAt: deliveredAt && isRealInstant(deliveredAt) ? deliveredAt : null,
  };
}

/**
 * Why a listed key must be neither read nor named on disk (`..` segments, NUL, ...), or null.
 * Such keys are quarantined with this reason rather than skipped: CloudTrail never writes them.
 */
export function unsafeKeyReason(key: string): string | null {
  const problem = relativePathProblem(key);
  return problem ? `the object key ${describeReason(problem)}` : null;
}

/** Days already checked: a re-run parses every listed key (80k on a month of 10M events), over ~30 days. */
const realDays = new Map<string, boolean>();

function isRealDay(day: string): boolean {
  let real = realDays.get(day);
  if (real === undefined) {
    const parsed = Date.parse(`${day}T00:00:00Z`);
    real = !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 10) === day;
    if (realDays.size < 10_000) realDays.set(day, real);
  }
  return real;
}

/** `YYYY-MM-DD HH:MM:SS` names a real instant: a real day and a time within it (no Date needed). */
function isRealInstant(text: string): boolean {
  const hour = Number(text.slice(11, 13));
  const minute = Number(text.slice(14, 16));
  const second = Number(text.slice(17, 19));
  return isRealDay(text.slice(0, 10)) && hour < 24 && minute < 60 && second < 60;
}

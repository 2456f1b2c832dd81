/**
 * Writes the organisation trail day by day (never the whole window in memory): every account ×
 * region's records for a day are batched into ~5-minute objects, gzip-compressed with fixed
 * settings, then the day's digest is signed. Planted here: the coverage gap, the bad objects, the
 * record without eventID/eventTime and the addendum re-delivery.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ACCOUNTS, type Account, ORG_ID, REGIONS } from '../org.js';
import type { CatalogWrite } from '../plan/glue.js';
import type { PlannedQuery } from '../plan/queries.js';
import { Rng } from '../prng.js';
import { compactMinute, DAY, day, iso, MINUTE } from '../time.js';
import { DigestSigner, type LogFileEntry, sha256Hex } from './digest.js';
import { catalogWriteRecord } from './glue-events.js';
import { companionNoise, noiseRecords } from './noise.js';
import { queryRecords } from './query-events.js';
import type { CloudTrailRecord } from './record.js';
import type { RoutedRecord } from './routed.js';

export interface TrailPlants {
  /** Account × region × day with no log object at all. */
  readonly gap: { readonly accountId: string; readonly region: string; readonly day: string } | null;
  readonly truncated: { readonly accountId: string; readonly region: string; readonly day: string } | null;
  readonly notJson: { readonly accountId: string; readonly region: string; readonly day: string } | null;
  readonly noRecords: { readonly accountId: string; readonly region: string; readonly day: string } | null;
  readonly missingFields: { readonly accountId: string; readonly region: string; readonly day: string } | null;
  /** The eventID of a record delivered again, with an addendum, one day later. */
  readonly addendumEventId: string | null;
}

export interface TrailInput {
  readonly outDir: string;
  readonly seed: number;
  readonly scale: number;
  readonly startMs: number;
  readonly days: number;
  readonly queries: readonly PlannedQuery[];
  readonly catalogWrites: readonly CatalogWrite[];
  readonly lakeFormation: readonly RoutedRecord[];
  readonly plants: TrailPlants;
}

export interface BadInput {
  readonly key: string;
  readonly reason: 'truncated_gzip' | 'not_json' | 'no_records' | 'record_missing_fields';
  readonly in_digest: boolean;
}

export interface TrailSummary {
  objects: number;
  events: number;
  bytes: number;
  digests: number;
  badInputs: BadInput[];
  addendumEventIds: string[];
}

const GZIP = { level: 6 } as const;
/**
 * Records are batched by delivery window. Real trails deliver about every 5 minutes; the sample
 * uses 15-minute windows so the committed organisation stays small (fewer, fuller objects).
 */
export const DELIVERY_WINDOW = 15 * MINUTE;

function objectKey(accountId: string, region: string, atMs: number, suffix: string): string {
  const date = new Date(atMs);
  const folder = `${date.getUTCFullYear()}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${String(date.getUTCDate()).padStart(2, '0')}`;
  return `AWSLogs/${ORG_ID}/${accountId}/CloudTrail/${region}/${folder}/${accountId}_CloudTrail_${region}_${compactMinute(atMs)}_${suffix}.json.gz`;
}

const matches = (
  plant: { accountId: string; region: string; day: string } | null,
  accountId: string,
  region: string,
  dayText: string,
) => plant !== null && plant.accountId === accountId && plant.region === region && plant.day === dayText;

class TrailWriter {
  readonly summary: TrailSummary = { objects: 0, events: 0, bytes: 0, digests: 0, badInputs: [], addendumEventIds: [] };
  private readonly signer = new DigestSigner();
  private readonly rng: Rng;
  private readonly pendingAddenda = new Map<string, CloudTrailRecord[]>();

  constructor(private readonly input: TrailInput) {
    this.rng = Rng.for(input.seed, 'trail-objects');
  }

  private write(key: string, data: Buffer | string): void {
    const path = join(this.input.outDir, 'cloudtrail', key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    this.summary.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  }

  writePublicKeys(): void {
    const body = this.signer.publicKeysBody(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'));
    this.write('public-keys.json', `${body}\n`);
  }

  /** Writes one log object; returns its digest entry. */
  private writeObject(accountId: string, region: string, keyMs: number, records: CloudTrailRecord[]): LogFileEntry {
    const key = objectKey(accountId, region, keyMs, this.rng.base62(16));
    const json = JSON.stringify({ Records: records });
    this.write(key, gzipSync(json, GZIP));
    this.summary.objects++;
    this.summary.events += records.length;
    let oldest: string | null = null;
    let newest: string | null = null;
    for (const record of records) {
      const time = record.eventTime;
      if (typeof time !== 'string') continue;
      if (oldest === null || time < oldest) oldest = time;
      if (newest === null || time > newest) newest = time;
    }
    return {
      s3Object: key,
      hashValue: sha256Hex(json),
      oldestEventTime: oldest ?? iso(keyMs),
      newestEventTime: newest ?? iso(keyMs),
    };
  }

  private writeBadObjects(
    account: Account,
    region: string,
    dayStart: number,
    noise: { atMs: number; record: CloudTrailRecord }[],
  ): LogFileEntry[] {
    const dayText = day(dayStart);
    const { plants } = this.input;
    const listed: LogFileEntry[] = [];
    const keyAt = dayStart + 13 * 60 * MINUTE + 7 * MINUTE;
    if (matches(plants.truncated, account.id, region, dayText)) {
      const key = objectKey(account.id, region, keyAt, this.rng.base62(16));
      const records = noise.slice(0, 8).map((entry) => entry.record);
      const json = JSON.stringify({ Records: records });
      const gz = gzipSync(json, GZIP);
      // Delivered whole (the digest lists its true hash), then cut short: a verifier reports a mismatch.
      this.write(key, gz.subarray(0, Math.floor(gz.length / 2)));
      this.summary.badInputs.push({ key, reason: 'truncated_gzip', in_digest: true });
      listed.push({
        s3Object: key,
        hashValue: sha256Hex(json),
        oldestEventTime: String(records[0]?.eventTime),
        newestEventTime: String(records[records.length - 1]?.eventTime),
      });
    }
    if (matches(plants.notJson, account.id, region, dayText)) {
      const key = objectKey(account.id, region, keyAt + MINUTE, this.rng.base62(16));
      const html =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>\n';
      this.write(key, gzipSync(html, GZIP));
      this.summary.badInputs.push({ key, reason: 'not_json', in_digest: false });
    }
    if (matches(plants.noRecords, account.id, region, dayText)) {
      const key = objectKey(account.id, region, keyAt + 2 * MINUTE, this.rng.base62(16));
      this.write(key, gzipSync(JSON.stringify({ Events: [], NextToken: null }), GZIP));
      this.summary.badInputs.push({ key, reason: 'no_records', in_digest: false });
    }
    return listed;
  }

  /** Writes one account × region × day: its objects, then its digest. */
  writeDay(account: Account, region: string, dayStart: number, planned: RoutedRecord[]): void {
    const dayText = day(dayStart);
    const { plants } = this.input;
    const noise = noiseRecords(account, region, dayStart, { seed: this.input.seed, scale: this.input.scale });
    const mine = planted(planned, account.id, region);
    const companions = companionNoise(
      account,
      region,
      mine.map((entry) => entry.atMs).sort((a, b) => a - b),
      { seed: this.input.seed, scale: this.input.scale },
    );
    const entries: { atMs: number; record: CloudTrailRecord }[] = [...noise, ...companions, ...mine];
    entries.sort((a, b) => a.atMs - b.atMs);
    const logFiles: LogFileEntry[] = [];
    if (!matches(plants.gap, account.id, region, dayText)) {
      const windows = new Map<number, CloudTrailRecord[]>();
      for (const entry of entries) {
        const window = Math.floor(entry.atMs / DELIVERY_WINDOW) * DELIVERY_WINDOW;
        const batch = windows.get(window);
        if (batch) batch.push(entry.record);
        else windows.set(window, [entry.record]);
      }
      const addenda = this.pendingAddenda.get(`${account.id}/${region}`) ?? [];
      this.pendingAddenda.delete(`${account.id}/${region}`);
      let first = true;
      for (const [window, records] of windows) {
        if (first) {
          records.push(...addenda);
          if (matches(plants.missingFields, account.id, region, dayText) && noise[0]) {
            const broken: CloudTrailRecord = { ...noise[0].record };
            delete broken.eventID;
            delete broken.eventTime;
            records.push(broken);
          }
        }
        const keyMs = Math.min(window + DELIVERY_WINDOW + this.rng.int(0, 3) * MINUTE, dayStart + DAY - MINUTE);
        const entry = this.writeObject(account.id, region, keyMs, records);
        if (first && matches(plants.missingFields, account.id, region, dayText)) {
          this.summary.badInputs.push({ key: entry.s3Object, reason: 'record_missing_fields', in_digest: true });
        }
        first = false;
        logFiles.push(entry);
      }
      logFiles.push(...this.writeBadObjects(account, region, dayStart, noise));
    }
    this.scheduleAddendum(account.id, region, planned);
    const digestEnd = dayStart + DAY - 1000;
    const signed = this.signer.digest(account.id, region, dayStart - 1000, digestEnd, logFiles);
    this.write(signed.key, gzipSync(signed.body, GZIP));
    this.write(`${signed.key}.s3meta.json`, `${signed.meta}\n`);
    this.summary.digests++;
  }

  private scheduleAddendum(accountId: string, region: string, planned: RoutedRecord[]): void {
    const target = this.input.plants.addendumEventId;
    if (!target) return;
    const original = planned.find(
      (routed) => routed.accountId === accountId && routed.region === region && routed.record.eventID === target,
    );
    if (!original) return;
    const redelivered: CloudTrailRecord = {
      ...original.record,
      addendum: {
        reason: 'DELIVERY_DELAY',
        originalRequestID: original.record.requestID,
        originalEventID: original.record.eventID,
      },
    };
    this.pendingAddenda.set(`${accountId}/${region}`, [redelivered]);
    this.summary.addendumEventIds.push(target);
  }
}

function planted(records: RoutedRecord[], accountId: string, region: string): { atMs: number; record: CloudTrailRecord }[] {
  return records
    .filter((routed) => routed.accountId === accountId && routed.region === region)
    .map((routed) => ({ atMs: routed.atMs, record: routed.record }));
}

/** Planned records (queries, Glue writes, Lake Formation changes) whose time falls in the day. */
function plannedForDay(input: TrailInput, dayStart: number): RoutedRecord[] {
  const dayEnd = dayStart + DAY;
  const out: RoutedRecord[] = [];
  for (const query of input.queries) {
    if (query.submittedMs < dayStart - 3_600_000 || query.submittedMs >= dayEnd) continue;
    out.push(...queryRecords(query));
  }
  for (const write of input.catalogWrites)
    if (write.inWindow && write.atMs >= dayStart && write.atMs < dayEnd) out.push(catalogWriteRecord(write));
  for (const routed of input.lakeFormation) if (routed.atMs >= dayStart && routed.atMs < dayEnd) out.push(routed);
  return out.filter((routed) => routed.atMs >= dayStart && routed.atMs < dayEnd);
}

export function writeTrail(input: TrailInput): TrailSummary {
  const writer = new TrailWriter(input);
  writer.writePublicKeys();
  for (let dayIndex = 0; dayIndex < input.days; dayIndex++) {
    const dayStart = input.startMs + dayIndex * DAY;
    const planned = plannedForDay(input, dayStart);
    for (const account of ACCOUNTS) for (const region of REGIONS) writer.writeDay(account, region, dayStart, planned);
  }
  return writer.summary;
}

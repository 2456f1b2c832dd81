/** Shared set-up for the CloudTrail tests: temp lakes, trail folders, objects and reading the dataset back. */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext, type RunContext } from '../../../lib/context.js';
import { listFiles } from '../../../lib/lake/atomic.js';
import { openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { createMemoryLogger } from '../../../lib/log.js';

export const ORG = 'o-n1mbusc4rt';
export const REPO_ROOT = join(import.meta.dirname, '../../..');

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mw-ct-${label}-`));
}

/** A config file in `dir` whose lake is `dir/lake` and whose trail is `trail`; returns its path. */
export async function writeConfig(dir: string, cloudtrail: Record<string, unknown>): Promise<string> {
  const path = join(dir, 'meshwatch.config.yaml');
  await writeFile(
    path,
    `lake: ${join(dir, 'lake')}\nregions: [us-east-1]\norganization:\n  id: ${ORG}\nsources:\n  cloudtrail: ${JSON.stringify(cloudtrail)}\n`,
  );
  return path;
}

export function contextFor(dir: string, cloudtrail: Record<string, unknown>): RunContext & { lines: string[] } {
  const text = `lake: ${join(dir, 'lake')}\nregions: [us-east-1]\norganization:\n  id: ${ORG}\nsources:\n  cloudtrail: ${JSON.stringify(cloudtrail)}\n`;
  const logger = createMemoryLogger('normal');
  return Object.assign(createContext(parseConfig(text, join(dir, 'meshwatch.config.yaml')), logger), { lines: logger.lines });
}

export function logKey(account: string, region: string, stamp: string, suffix = 'AAAAAAAAAAAAAAAA'): string {
  // stamp: YYYYMMDDTHHmmZ
  const path = `${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/${stamp.slice(6, 8)}`;
  return `AWSLogs/${ORG}/${account}/CloudTrail/${region}/${path}/${account}_CloudTrail_${region}_${stamp}_${suffix}.json.gz`;
}

export async function writeObject(trail: string, key: string, content: unknown | Uint8Array): Promise<void> {
  const path = join(trail, key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content instanceof Uint8Array ? content : gzipSync(JSON.stringify(content)));
}

export function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.11',
    eventID: 'e-1',
    eventTime: '2026-10-01T10:00:00Z',
    eventSource: 'glue.amazonaws.com',
    eventName: 'GetTable',
    awsRegion: 'us-east-1',
    recipientAccountId: '311111111111',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::311111111111:assumed-role/Role/alice', accountId: '311111111111' },
    requestParameters: { databaseName: 'sales_db', name: 'orders' },
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    ...overrides,
  };
}

/** Every row of the lake's cloudtrail dataset (sorted by event_id, source_object), selected columns only. */
export async function readDataset(lake: string, columns = '*', dataset = 'cloudtrail'): Promise<Record<string, unknown>[]> {
  return readParquetUnder(join(lake, dataset), columns, dataset === 'cloudtrail');
}

/**
 * Every row of the Parquet files under `dir` (hidden staging files skipped), selected columns only.
 * `partitioned`: cloudtrail's `event_date=…/account_id=…` folders, read as typed columns, rows sorted
 * by event_id, source_object; else the objects dataset, sorted by object_key.
 */
export async function readParquetUnder(dir: string, columns = '*', partitioned = true): Promise<Record<string, unknown>[]> {
  const files = (await listFiles(dir)).filter((file) => file.endsWith('.parquet') && !file.includes('/.'));
  if (files.length === 0) return [];
  const db = await openDatabase(':memory:');
  try {
    const hive = partitioned ? ", hive_partitioning = true, hive_types = {'event_date': DATE, 'account_id': VARCHAR}" : '';
    const order = partitioned ? 'event_id, source_object' : 'object_key';
    return await db.all(`SELECT ${columns} FROM read_parquet([${files.map(quoteLiteral).join(', ')}]${hive}) ORDER BY ${order}`);
  } finally {
    db.close();
  }
}

export async function readQuarantine(lake: string): Promise<Record<string, unknown>[]> {
  const files = (await listFiles(join(lake, '_quarantine', 'cloudtrail'))).filter((file) => file.endsWith('.jsonl'));
  const entries: Record<string, unknown>[] = [];
  for (const file of files) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) if (line.trim()) entries.push(JSON.parse(line));
  }
  return entries;
}

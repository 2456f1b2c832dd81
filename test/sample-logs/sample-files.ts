/** Test helpers that read a generated sample organisation (the committed one by default). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

// biome-ignore lint/suspicious/noExplicitAny: AWS JSON of many shapes, read by tests that assert on it field by field.
export type Json = any;

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const SAMPLE_DIR = join(REPO_ROOT, 'sample-logs');
export const CORPUS_DIR = resolve(REPO_ROOT, '..', 'shared', 'corpus');

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export interface LogObject {
  readonly key: string;
  readonly account: string;
  readonly region: string;
  readonly day: string;
  readonly raw: Buffer;
  readonly records: Record<string, Json>[] | null;
  readonly problem: string | null;
}

/** Every CloudTrail log object (not digests) under `<sample>/cloudtrail`, parsed where possible. */
export function readLogObjects(sampleDir = SAMPLE_DIR): LogObject[] {
  const root = join(sampleDir, 'cloudtrail');
  return listFiles(root)
    .filter((path) => path.includes('/CloudTrail/') && path.endsWith('.json.gz'))
    .map((path) => {
      const key = relative(root, path);
      const [, , account, , region, year, month, date] = key.split('/') as string[];
      const raw = readFileSync(path);
      let records: Record<string, Json>[] | null = null;
      let problem: string | null = null;
      try {
        const parsed = JSON.parse(gunzipSync(raw).toString('utf8'));
        if (Array.isArray(parsed.Records)) records = parsed.Records;
        else problem = 'no_records';
      } catch (error) {
        problem = error instanceof SyntaxError ? 'not_json' : 'truncated_gzip';
      }
      return { key, account: account!, region: region!, day: `${year}-${month}-${date}`, raw, records, problem };
    });
}

export function readJson<T = Json>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function readTruth(sampleDir = SAMPLE_DIR): Json {
  return readJson(join(sampleDir, 'truth.json'));
}

/** All pages of one manifest entry, in order. */
export function manifestEntries(
  sampleDir = SAMPLE_DIR,
): { service: string; operation: string; account: string; region: string; request: Json; pages: string[] }[] {
  return readJson(join(sampleDir, 'api', 'manifest.json')).entries;
}

export function pageBodies(entry: { pages: string[] }, sampleDir = SAMPLE_DIR): Json[] {
  return entry.pages.map((page) => readJson(join(sampleDir, 'api', page)));
}

/** Real CloudTrail records of the corpus, unwrapped, or null when the corpus is absent. */
export function corpusRecords(): Record<string, Json>[] | null {
  if (!existsSync(CORPUS_DIR)) return null;
  const records: Record<string, Json>[] = [];
  for (const path of listFiles(CORPUS_DIR)) {
    if (path.endsWith('.jsonl')) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const parsed = JSON.parse(line);
        records.push(parsed.record ?? parsed);
      }
    } else if (path.endsWith('.json')) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8'));
        if (Array.isArray(parsed.Records)) records.push(...parsed.Records);
        else if (parsed.eventVersion) records.push(parsed);
      } catch {
        // A few corpus files are API outputs or non-record JSON: not records.
      }
    }
  }
  return records.filter((record) => typeof record === 'object' && record !== null && typeof record.eventName === 'string');
}

/**
 * Every CloudTrail record in the shared corpus of real records (Panther tests, OTRF, trailscraper,
 * AWS documentation examples, Lake Formation GetDataAccess examples) goes through the same record
 * parser the workers use, and then through DuckDB exactly as the spool files do. The test adapts
 * only the container (JSON lines, `{"Records":[…]}`, gzip, a single record, LookupEvents output).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CloudtrailRow, isRecordProblem, normaliseRecord } from '../../../ingest/cloudtrail/normalise-record.js';
import { isObjectProblem, parseLogObject } from '../../../ingest/cloudtrail/parse-log-object.js';
import { spoolLines, spoolRowsQuery } from '../../../ingest/cloudtrail/spool-line.js';
import { openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { REPO_ROOT, tempDir } from './helpers.js';

const CORPUS = join(REPO_ROOT, '../shared/corpus');
const present = existsSync(CORPUS);
if (!present) console.warn(`corpus test skipped: ${CORPUS} is absent`);

/** The records a corpus file holds, whatever its container; null for files that hold no CloudTrail records. */
async function recordsIn(path: string): Promise<unknown[] | null> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.endsWith('.csv') || name.endsWith('.txt') || name.endsWith('.md') || name.includes('CloudTrail-Digest')) return null;
  const bytes = await readFile(path);
  if (name.endsWith('.gz')) {
    const parsed = parseLogObject(bytes);
    if (isObjectProblem(parsed)) throw new Error(`${name}: ${parsed.detail}`);
    return parsed.records;
  }
  const text = bytes.toString('utf8');
  if (name.endsWith('.jsonl') || !text.trimStart().startsWith('{') || isJsonLines(text)) {
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
        const value = JSON.parse(line) as { record?: unknown };
        return value.record !== undefined && !('eventID' in value) ? value.record : value;
      });
  }
  const document = JSON.parse(text) as Record<string, unknown>;
  if (Array.isArray(document.Records)) return document.Records;
  if (Array.isArray(document.Events))
    return (document.Events as { CloudTrailEvent: string }[]).map((event) => JSON.parse(event.CloudTrailEvent));
  if ('eventVersion' in document || 'eventID' in document) return [document];
  return null;
}

function isJsonLines(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim());
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0] as string);
    return true;
  } catch {
    return false;
  }
}

async function corpusFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await corpusFiles(path)));
    else if (entry.name !== 'MANIFEST.md') files.push(path);
  }
  return files.sort();
}

describe.skipIf(!present)('the CloudTrail record parser on the real-record corpus', () => {
  it('normalises or quarantines every record, and DuckDB reads every normalised row', async () => {
    // Prepare
    const origin = { sourceObject: 'corpus', deliveredAt: null, keyAccountId: null };
    const perFile: { file: string; records: number; normalised: number; quarantined: number }[] = [];
    const lines: string[] = [];
    const reserialised: string[] = [];
    let maxLineBytes = 0;
    let recordBytesReused = 0;
    const reasons = new Map<string, number>();
    // Act
    for (const file of await corpusFiles(CORPUS)) {
      const records = await recordsIn(file);
      if (!records) continue;
      let normalised = 0;
      let quarantined = 0;
      const rows: (CloudtrailRow | null)[] = [];
      for (const record of records) {
        const row = normaliseRecord(record, origin);
        if (isRecordProblem(row)) {
          quarantined++;
          reasons.set(row.reason, (reasons.get(row.reason) ?? 0) + 1);
          rows.push(null);
        } else {
          normalised++;
          rows.push(row);
        }
      }
      // Spooled as AWS delivers an object, minified `{"Records": [...]}` (the corpus's own objects are
      // pretty-printed), so the record scanner meets every real record.
      const minified = { text: Buffer.from(JSON.stringify({ Records: records })), onlyRecords: true };
      const spooled = spoolLines({ rows, records, ...minified });
      if (typeof spooled.data !== 'string') recordBytesReused += rows.filter((row) => row !== null).length;
      lines.push(spooled.data.toString());
      reserialised.push(spoolLines({ rows, records }).data.toString());
      maxLineBytes = Math.max(maxLineBytes, spooled.maxLineBytes);
      perFile.push({ file: file.slice(CORPUS.length + 1), records: records.length, normalised, quarantined });
    }
    const spool = join(await tempDir('corpus'), 'corpus.ndjson');
    await writeFile(spool, lines.join(''));
    const control = join(await tempDir('corpus'), 'reserialised.ndjson');
    await writeFile(control, reserialised.join(''));
    const db = await openDatabase(':memory:');
    const [read] = await db.all<{ rows: number; with_identity: number; lf: number }>(
      `SELECT count(*) AS rows, count(principal_type) AS with_identity,
              count(*) FILTER (event_source = 'lakeformation.amazonaws.com') AS lf
       FROM (${spoolRowsQuery(quoteLiteral(spool), maxLineBytes)})`,
    );
    const [differing] = await db.all<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT * REPLACE (CAST(record AS VARCHAR) AS record) FROM (${spoolRowsQuery(quoteLiteral(spool), maxLineBytes)})
         EXCEPT ALL SELECT * REPLACE (CAST(record AS VARCHAR) AS record) FROM (${spoolRowsQuery(quoteLiteral(control), maxLineBytes)}))`,
    );
    db.close();
    // Assess
    const total = perFile.reduce((sum, file) => sum + file.records, 0);
    const normalised = perFile.reduce((sum, file) => sum + file.normalised, 0);
    const quarantined = perFile.reduce((sum, file) => sum + file.quarantined, 0);
    for (const file of perFile) expect(file.normalised + file.quarantined, file.file).toBe(file.records);
    expect(normalised + quarantined).toBe(total);
    expect(perFile.map((file) => file.file)).toEqual(
      expect.arrayContaining([
        'panther-analysis/panther_cloudtrail_test_logs.extracted.jsonl',
        'OTRF-Security-Datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json',
        'aws-lakeformation-best-practices/lake-formation-cloudtrail.GetDataAccess-examples.json',
        'trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz',
        'aws-cli-examples/lookup-events.output0.json',
      ]),
    );
    expect(total).toBeGreaterThan(600);
    expect(read?.rows).toBe(normalised);
    // Records were copied byte for byte (files holding a non-object record are re-serialised whole).
    expect(recordBytesReused).toBeGreaterThan(normalised / 2);
    // ... and DuckDB reads them exactly as it reads the records serialised again.
    expect(Number(differing?.n)).toBe(0);
    expect(read?.lf).toBeGreaterThanOrEqual(8);
    // Records without an eventID are real (documentation fragments, digest examples): quarantined with that reason.
    expect(
      [...reasons.keys()].every((reason) => ['record_missing_fields', 'invalid_event_time', 'not_an_object'].includes(reason)),
    ).toBe(true);
    console.info(
      `corpus: ${total} records = ${normalised} normalised (${recordBytesReused} spooled as their own bytes) + ${quarantined} quarantined`,
      Object.fromEntries(reasons),
    );
  });
});

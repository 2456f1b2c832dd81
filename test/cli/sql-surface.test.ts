/**
 * `meshwatch sql` is a read-only surface confined to the lake (issue #24): each attack the issue
 * reproduced runs as a user types it, against a copy of the collected and transformed sample lake,
 * and must exit 2 with a message that says why, leaving every file of the lake byte for byte as it was.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, pathExists } from '../../lib/lake/atomic.js';
import { meshwatch, sampleLake } from '../reports/sample-lake.js';

/** sha256 of every file under the lake, by relative path. */
async function checksums(lake: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const file of await listFiles(lake)) {
    sums[relative(lake, file)] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return sums;
}

describe('meshwatch sql: a read-only surface confined to the lake', () => {
  let lake: string;
  let outside: string;
  let before: Record<string, string>;
  let forgedPartition: string;

  const sql = (query: string) => meshwatch(['--lake', lake, 'sql', query, '--format', 'json']);

  beforeAll(async () => {
    const shared = await sampleLake();
    // A copy: if a guard failed, the attack must not spoil the lake other test files read.
    lake = await mkdtemp(join(tmpdir(), 'mw-sql-surface-'));
    await cp(shared, lake, { recursive: true });
    outside = await mkdtemp(join(tmpdir(), 'mw-sql-outside-'));
    const partition = (await listFiles(join(lake, 'cloudtrail'))).find((file) => file.endsWith('.parquet')) as string;
    forgedPartition = join(partition, '..');
    before = await checksums(lake);
  }, 600_000);

  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('still answers SELECTs over datasets and marts, with DESCRIBE and SHOW TABLES', async () => {
    const counts = await sql(
      'select (select count(*) from cloudtrail) as events, (select count(*) from data_access) as accesses',
    );
    expect(counts.code).toBe(0);
    const [row] = JSON.parse(counts.stdout) as { events: number; accesses: number }[];
    expect(row?.events).toBeGreaterThan(0);
    expect(row?.accesses).toBeGreaterThan(0);

    const tables = await sql('show tables');
    expect(tables.code).toBe(0);
    const names = (JSON.parse(tables.stdout) as { name: string }[]).map((table) => table.name);
    expect(names).toEqual(expect.arrayContaining(['cloudtrail', 'data_access', 'pii_access_history']));
    expect(new Set(names).size).toBe(names.length);

    expect((await sql('describe data_access')).code).toBe(0);
  });

  it.each([
    [
      'a file outside the lake',
      "select * from read_text('/etc/passwd')",
      /is confined to the lake's datasets and marts.*\/etc\/passwd/,
    ],
    [
      'the lake state',
      () => `select * from read_text('${lake}/_state/cloudtrail/manifest.json')`,
      /is confined to the lake's datasets and marts/,
    ],
    [
      'a climb out of an allowed folder',
      () => `select * from read_text('${lake}/cloudtrail/../_state/cloudtrail/manifest.json')`,
      /is confined to the lake's datasets and marts/,
    ],
    [
      'the web (no extension is fetched)',
      "select * from read_csv('https://example.com/x.csv')",
      /is confined to the lake's datasets and marts/,
    ],
  ])('refuses to read %s', async (_what, query, message) => {
    const result = await sql(typeof query === 'function' ? query() : query);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it.each([
    ['COPY … TO anywhere', () => `COPY (select 1 as x) TO '${outside}/x.csv'`, /COPY reads or writes files/],
    [
      'a forged Parquet file in a cloudtrail partition',
      () => `COPY (select * from cloudtrail limit 1) TO '${forgedPartition}/part-forged.parquet' (FORMAT parquet)`,
      /COPY reads or writes files/,
    ],
    [
      'an overwritten manifest',
      () => `COPY (select '{}' as manifest) TO '${lake}/_state/cloudtrail/manifest.json' (FORMAT csv, HEADER false)`,
      /COPY reads or writes files/,
    ],
    ['EXPORT DATABASE', () => `EXPORT DATABASE '${outside}/export'`, /EXPORT DATABASE writes files/],
    ['DROP TABLE', () => 'DROP TABLE data_access', /DROP is refused/],
    ['CREATE TABLE', () => 'CREATE TABLE memory.main.t AS SELECT 1', /CREATE is refused/],
    ['INSERT', () => "INSERT INTO data_access (access_id) VALUES ('forged')", /INSERT is refused/],
    ['ATTACH', () => `ATTACH '${outside}/other.duckdb' AS other`, /ATTACH is refused/],
    ['INSTALL httpfs', () => 'INSTALL httpfs', /INSTALL and LOAD are refused/],
    ['LOAD httpfs', () => 'LOAD httpfs', /INSTALL and LOAD are refused/],
    ['SET (to undo the limits)', () => 'SET enable_external_access = true', /settings of this surface are locked/],
    [
      'several statements (ATTACH; CREATE TABLE)',
      () => `ATTACH '${outside}/other.duckdb' AS other; CREATE TABLE other.t AS SELECT 1`,
      /one statement at a time; this query has 2/,
    ],
    ['several SELECTs', () => 'select 1; select 2', /one statement at a time; this query has 2/],
    ['an empty query', () => '  ', /no SQL statement given/],
  ])('refuses %s with exit 2', async (_what, query, message) => {
    const result = await sql(query());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('leaves every file of the lake unchanged and writes nothing outside it', async () => {
    expect(await checksums(lake)).toEqual(before);
    expect(await listFiles(outside)).toEqual([]);
    expect(await pathExists(join(forgedPartition, 'part-forged.parquet'))).toBe(false);
  });

  it('says there is no lake instead of creating one', async () => {
    const missing = join(outside, 'lakee');
    const result = await meshwatch(['--lake', missing, 'sql', 'select 1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no lake at ${missing}`);
    expect(await pathExists(missing)).toBe(false);
  });
});

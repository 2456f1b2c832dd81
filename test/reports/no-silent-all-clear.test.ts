/**
 * No silent all-clear (issue #18 §3): a report over no lake, an empty lake, a window outside the
 * collected days or an unknown column says so instead of answering "nothing found".
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../lib/lake/atomic.js';
import { periodNote } from '../../reports/collected-period.js';
import { meshwatch, sampleLake, sampleTruth } from './sample-lake.js';

describe('reports over no lake or an empty lake', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mw-no-data-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says there is no lake (exit 1) and does not create one', async () => {
    const missing = join(dir, 'lakee');
    const result = await meshwatch(['--lake', missing, 'health']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no lake at ${missing}`);
    expect(result.stdout).toBe('');
    expect(await pathExists(missing)).toBe(false);
  });

  it('says nothing has been collected (exit 1) for an empty lake, and writes nothing into it', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    for (const args of [['health'], ['who-queried', 'sales_db.customers'], ['pii-access'], ['coverage']]) {
      const result = await meshwatch(['--lake', empty, ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(`no data collected in the lake at ${empty}`);
      expect(result.stdout, args.join(' ')).toBe('');
    }
    expect(await readdir(empty)).toEqual([]);
  });
});

describe('reports over the sample lake', () => {
  let lake: string;
  let firstDay: string;
  let lastDay: string;

  beforeAll(async () => {
    lake = await sampleLake();
    const window = (await sampleTruth())?.window as { start: string; end: string };
    firstDay = window.start.slice(0, 10);
    lastDay = new Date(Date.parse(window.end) - 86_400_000).toISOString().slice(0, 10);
  }, 600_000);

  it('exits 2 for an unknown column, listing the columns of the table', async () => {
    const result = await meshwatch(['--lake', lake, 'who-queried', 'sales_db.customers.nosuchcol', '--format', 'json']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown column "nosuchcol" in sales_db.customers');
    expect(result.stderr).toMatch(/has columns .*customer_id.*email/);
    expect(result.stdout).toBe('');
  });

  it('suggests the column meant for a misspelt one', async () => {
    const result = await meshwatch(['--lake', lake, 'who-queried', 'sales_db.customers.emial', '--format', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean "email"?');
  });

  it('still answers for a column the table has, and exits 2 for an unknown table', async () => {
    const known = await meshwatch(['--lake', lake, 'who-queried', 'sales_db.customers.email', '--format', 'json']);
    expect(known.code).toBe(0);
    expect(JSON.parse(known.stdout).length).toBeGreaterThan(0);

    const table = await meshwatch(['--lake', lake, 'who-queried', 'sales_db.nosuchtable', '--format', 'json']);
    expect(table.code).toBe(2);
    expect(table.stderr).toContain('unknown table "sales_db.nosuchtable"');
  });

  it('notes the covered period when the window lies before the first collected day', async () => {
    const result = await meshwatch([
      '--lake',
      lake,
      'who-queried',
      'sales_db.customers',
      '--since',
      '2026-01-01',
      '--until',
      '2026-02-01',
      '--format',
      'json',
    ]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.stderr).toContain('lies outside the collected data');
    expect(result.stderr).toContain(`collected CloudTrail events cover ${firstDay} to ${lastDay}`);
  });

  it('notes a window that starts before the first collected day, and is silent for one within it', async () => {
    const early = await meshwatch(['--lake', lake, 'pii-access', '--since', '2026-09-01', '--format', 'json']);
    expect(early.code).toBe(0);
    expect(early.stderr).toContain(
      `starts before the first collected day: collected CloudTrail events cover ${firstDay} to ${lastDay}`,
    );

    const within = await meshwatch(['--lake', lake, 'pii-access', '--since', firstDay, '--format', 'json']);
    expect(within.code).toBe(0);
    expect(within.stderr).not.toContain('collected CloudTrail events');
  });
});

describe('periodNote', () => {
  const period = { firstDay: '2026-10-01', lastDay: '2026-10-30' };
  const window = (since: string, until: string) => ({ since: new Date(since), until: new Date(until) });

  it('is silent for a window within the collected days, up to the end of the last one', () => {
    expect(periodNote(period, window('2026-10-01T00:00:00Z', '2026-10-31T00:00:00Z'))).toBeUndefined();
  });

  it('names the period for a window that starts early, ends late or misses it', () => {
    expect(periodNote(period, window('2026-09-30T23:00:00Z', '2026-10-02T00:00:00Z'))).toMatch(
      /starts before .*2026-10-01 to 2026-10-30/,
    );
    expect(periodNote(period, window('2026-10-02T00:00:00Z', '2026-10-31T01:00:00Z'))).toMatch(
      /ends after .*2026-10-01 to 2026-10-30/,
    );
    expect(periodNote(period, window('2026-10-31T00:00:00Z', '2026-11-05T00:00:00Z'))).toMatch(/lies outside/);
  });

  it('says when no CloudTrail events were collected at all', () => {
    expect(periodNote(undefined, window('2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z'))).toMatch(/no CloudTrail events/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import type { Database } from '../../lib/lake/duckdb.js';
import { coverage, foldDayRanges, parseCoverageGrouping, windowDays } from '../../reports/coverage.js';
import { renderSections } from '../../reports/section.js';
import { createFixtureLake, WINDOW } from './fixture-lake.js';

let db: Database;

beforeAll(async () => {
  db = await (await createFixtureLake()).open();
});
afterAll(() => db.close());

describe('coverage', () => {
  it('summarises each account × region: days delivered, digest status and the gaps as ranges', async () => {
    const section = await coverage(db, WINDOW);
    expect(section.rows).toHaveLength(4);
    const sales = section.rows.find((row) => row.account_id === '311111111111' && row.region === 'us-east-1');
    expect(sales).toMatchObject({
      days: 30,
      days_delivered: 27,
      gap_days: 3,
      gaps: '2026-10-12..2026-10-13, 2026-10-25',
      digest_status: 'verified',
      first_day: '2026-10-01',
      last_day: '2026-10-30',
    });
    const analytics = section.rows.find((row) => row.account_id === '411111111111' && row.region === 'eu-west-1');
    expect(analytics).toMatchObject({ gap_days: 0, gaps: '', digest_status: 'unverified', unverified_days: 1 });
  });

  it('lists one row per account × region × day with --by day, inside the window only', async () => {
    const section = await coverage(
      db,
      { since: new Date('2026-10-12T00:00:00Z'), until: new Date('2026-10-13T06:00:00Z') },
      'day',
    );
    expect(section.rows).toHaveLength(4 * 2);
    expect(section.rows.filter((row) => row.is_gap).map((row) => row.day)).toEqual(['2026-10-12', '2026-10-13']);
  });

  it('keeps the summary JSON free of the helper list column', async () => {
    const json = JSON.parse(renderSections([await coverage(db, WINDOW)], 'json'));
    expect(Object.keys(json[0])).not.toContain('gap_day_list');
    expect(Object.keys(json[0]).slice(0, 3)).toEqual(['account_id', 'region', 'digest_status']);
  });
});

describe('foldDayRanges', () => {
  it('folds consecutive days into ranges', () => {
    expect(foldDayRanges(['2026-10-03', '2026-10-01', '2026-10-02', '2026-10-09'])).toBe('2026-10-01..2026-10-03, 2026-10-09');
    expect(foldDayRanges([])).toBe('');
  });
});

describe('windowDays', () => {
  it('covers every day the window touches', () => {
    expect(windowDays(WINDOW)).toEqual({ since_day: '2026-10-01', until_day: '2026-10-31' });
    expect(windowDays({ since: new Date('2026-10-05T12:00:00Z'), until: new Date('2026-10-06T00:00:01Z') })).toEqual({
      since_day: '2026-10-05',
      until_day: '2026-10-07',
    });
  });
});

describe('parseCoverageGrouping', () => {
  it('rejects an unknown grouping', () => {
    expect(() => parseCoverageGrouping('week')).toThrow(UsageError);
    expect(parseCoverageGrouping(undefined)).toBe('account');
  });
});

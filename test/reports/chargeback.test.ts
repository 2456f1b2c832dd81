import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import type { Database } from '../../lib/lake/duckdb.js';
import {
  chargebackByDomain,
  chargebackFocus,
  chargebackMatrix,
  defaultMonth,
  FOCUS_COLUMN_ORDER,
  parseMonth,
  pivotMatrix,
} from '../../reports/chargeback.js';
import { renderSections } from '../../reports/section.js';
import { createFixtureLake } from './fixture-lake.js';

let db: Database;

beforeAll(async () => {
  db = await (await createFixtureLake()).open();
});
afterAll(() => db.close());

describe('chargebackByDomain', () => {
  it('returns the month per domain, most expensive first, raw values in JSON', async () => {
    const section = await chargebackByDomain(db, '2026-10');
    const rows = JSON.parse(renderSections([section], 'json'));
    expect(rows.map((row: { domain: string }) => row.domain)).toEqual(['sales', 'analytics']);
    expect(rows[1]).toEqual({
      month: '2026-10',
      domain: 'analytics',
      producer_cost_usd: 5,
      consumer_cost_usd: 40.123,
      shared_allocation_usd: 12.5,
      total_usd: 57.623,
      previous_total_usd: 50,
      mom_change_usd: 7.623,
      mom_change_pct: 15.246,
      athena_served_usd: 0,
    });
  });

  it('prints USD with two decimals and a signed change in a table', async () => {
    const table = renderSections([await chargebackByDomain(db, '2026-10')], 'table');
    expect(table).toContain('$40.12');
    expect(table).toContain('+$22.50');
    expect(table).toContain('+20.5%');
  });

  it('says which months hold data when the month has none', async () => {
    const section = await chargebackByDomain(db, '2027-01');
    expect(renderSections([section], 'table')).toBe('no chargeback for 2027-01; months with data: 2026-09, 2026-10\n');
    expect(renderSections([section], 'json')).toBe('[]\n');
  });
});

describe('chargebackMatrix', () => {
  it('lists consumer × producer pairs and pivots them for people', async () => {
    const matrix = await chargebackMatrix(db, '2026-10');
    expect(matrix.rows).toHaveLength(3);
    const pivot = pivotMatrix(matrix);
    expect(pivot.columns.map((column) => column.title ?? column.name)).toEqual([
      'month',
      'consumer \\ producer',
      'marketing',
      'sales',
      'total',
    ]);
    expect(pivot.rows[0]).toMatchObject({
      consumer_domain: 'analytics',
      'producer:sales': 2.5,
      'producer:marketing': 0.75,
      total: 3.25,
    });
    const lines = renderSections([pivot], 'table').split('\n');
    expect(lines[3]).toMatch(/data-science\s+\$1\.00\s+\$1\.00$/);
  });
});

describe('chargebackFocus', () => {
  it('keeps the FOCUS column order and only the month, so BilledCost sums to the month', async () => {
    const section = await chargebackFocus(db, '2026-10');
    expect(section.columns.map((column) => column.name)).toEqual([...FOCUS_COLUMN_ORDER]);
    const total = section.rows.reduce((sum, row) => sum + Number(row.BilledCost), 0);
    expect(total).toBeCloseTo(11.75, 10);
    const csv = renderSections([section], 'csv');
    expect(csv.split('\r\n')[0]).toBe(FOCUS_COLUMN_ORDER.join(','));
    expect(csv).toContain('"{""domain"":""sales""}"');
    expect(csv).toContain(',2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,');
  });
});

describe('parseMonth', () => {
  it('accepts YYYY-MM and rejects anything else with the accepted form', () => {
    expect(parseMonth('2026-10')).toBe('2026-10');
    for (const bad of ['2026-13', '10-2026', '2026-1', 'october']) {
      expect(() => parseMonth(bad)).toThrow(UsageError);
    }
    expect(() => parseMonth('2026/10')).toThrow(/as a month/);
  });

  it('defaults to the month to date, even at the first instant of the next month', () => {
    expect(defaultMonth(new Date('2026-10-31T00:00:00Z'))).toBe('2026-10');
    expect(defaultMonth(new Date('2026-11-01T00:00:00Z'))).toBe('2026-10');
    expect(defaultMonth(new Date('2026-11-01T00:00:01Z'))).toBe('2026-11');
  });
});

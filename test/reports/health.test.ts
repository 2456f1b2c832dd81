import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import type { Database } from '../../lib/lake/duckdb.js';
import { health, healthBreaches } from '../../reports/health.js';
import { renderSections } from '../../reports/section.js';
import { createFixtureLake, WINDOW } from './fixture-lake.js';

let db: Database;

beforeAll(async () => {
  db = await (await createFixtureLake()).open();
});
afterAll(() => db.close());

describe('health', () => {
  it('lists products worst status first with the breaches that overlap the window', async () => {
    const section = await health(db, { window: WINDOW });
    expect(section.rows.map((row) => [row.product, row.status, row.breaches, row.breach_ongoing])).toEqual([
      ['sales.orders', 'breached', 2, true],
      ['marketing.campaigns', 'late', 0, false],
      ['sales.customers', 'fresh', 0, false],
    ]);
    expect(section.rows[0]).toMatchObject({
      last_update_at: '2026-10-29T12:00:00.000Z',
      lag_hours: 36,
      completeness: 0.9333,
      owner: 'sales-team',
      consumers_30d: 3,
    });
  });

  it('counts a breach that started before the window but ends inside it', async () => {
    const section = await health(db, {
      window: { since: new Date('2026-09-28T12:00:00Z'), until: new Date('2026-10-01T00:00:00Z') },
    });
    expect(section.rows.find((row) => row.product === 'sales.orders')?.breaches).toBe(1);
  });

  it('keeps one domain', async () => {
    const section = await health(db, { window: WINDOW, domain: 'marketing' });
    expect(section.rows.map((row) => row.product)).toEqual(['marketing.campaigns']);
  });

  it('suggests the closest domain for an unknown one', async () => {
    const error = await health(db, { window: WINDOW, domain: 'sale' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('unknown domain "sale"');
    expect((error as UsageError).hint).toContain('"sales"');
  });

  it('prints lags in hours and completeness as a percentage', async () => {
    const table = renderSections([await health(db, { window: WINDOW })], 'table');
    expect(table).toContain('36.0 h');
    expect(table).toContain('93.3%');
  });
});

describe('healthBreaches', () => {
  it('lists the breach intervals overlapping the window, the ongoing one without an end', async () => {
    const section = await healthBreaches(db, { window: WINDOW });
    expect(section.rows.map((row) => [row.breach_start_at, row.breach_end_at])).toEqual([
      ['2026-10-10T06:00:00.000Z', '2026-10-10T14:00:00.000Z'],
      ['2026-10-30T18:00:00.000Z', null],
    ]);
    expect(renderSections([section], 'table')).toContain('ongoing');
  });
});

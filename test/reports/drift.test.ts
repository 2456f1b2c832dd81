import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import type { Database } from '../../lib/lake/duckdb.js';
import { drift, parseSeverity } from '../../reports/drift.js';
import { renderSections } from '../../reports/section.js';
import { createFixtureLake, WINDOW } from './fixture-lake.js';

let db: Database;

beforeAll(async () => {
  db = await (await createFixtureLake()).open();
});
afterAll(() => db.close());

describe('drift', () => {
  it('lists every drift item, critical first, with who changed it and the declared line', async () => {
    const section = await drift(db);
    expect(section.rows.map((row) => [row.drift_id, row.severity])).toEqual([
      ['d2', 'critical'],
      ['d3', 'high'],
      ['d1', 'low'],
    ]);
    expect(section.rows[1]).toMatchObject({
      changed_by_name: 'admin',
      changed_at: '2026-09-15T10:00:00.000Z',
      event_name: 'GrantPermissions',
      declared_address: 'aws_lakeformation_permissions.customers_reader',
    });
  });

  it('keeps items at least as severe as asked', async () => {
    const section = await drift(db, { minSeverity: 'high' });
    expect(section.rows.map((row) => row.drift_id)).toEqual(['d2', 'd3']);
  });

  it('with a window keeps only items changed inside it', async () => {
    const section = await drift(db, { window: WINDOW });
    expect(section.rows.map((row) => row.drift_id)).toEqual(['d2']);
  });

  it('says the grants match when nothing drifted', async () => {
    const section = await drift(db, { window: { since: new Date('2026-10-20T00:00:00Z'), until: WINDOW.until } });
    expect(renderSections([section], 'table')).toContain('no grant drift changed between 2026-10-20T00:00:00Z');
  });
});

describe('parseSeverity', () => {
  it('rejects an unknown severity listing the accepted ones', () => {
    expect(() => parseSeverity('urgent')).toThrow(UsageError);
    expect(() => parseSeverity('urgent')).toThrow(/unknown severity "urgent"/);
    expect(parseSeverity('HIGH')).toBe('high');
  });
});

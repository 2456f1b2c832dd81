import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import type { Database } from '../../lib/lake/duckdb.js';
import { parsePiiGrouping, piiAccess, piiSections } from '../../reports/pii-access.js';
import { renderSections } from '../../reports/section.js';
import { createFixtureLake, WINDOW } from './fixture-lake.js';

let db: Database;

beforeAll(async () => {
  db = await (await createFixtureLake()).open();
});
afterAll(() => db.close());

describe('piiAccess', () => {
  it('lists the allowed PII reads of the window, not denied attempts or reads outside it', async () => {
    const report = await piiAccess(db, { window: WINDOW });
    expect(report.accesses.rows.map((row) => row.query_id)).toEqual(['q1', 'q2', 'q6']);
    expect(report.accesses.rows[1]).toMatchObject({
      principal: 'bob.lee',
      grant_path: 'named_grant',
      is_new_reader: true,
      pii_columns: ['email'],
    });
  });

  it('includes denied attempts when asked', async () => {
    const report = await piiAccess(db, { window: WINDOW, includeDenied: true });
    expect(report.accesses.rows.map((row) => row.outcome)).toContain('denied');
    expect(report.byTable.rows[0]).toMatchObject({ accesses: 4, denied: 1 });
  });

  it('groups by table: accesses, distinct readers, new readers, bytes', async () => {
    const { byTable } = await piiAccess(db, { window: WINDOW });
    expect(byTable.rows).toEqual([
      expect.objectContaining({
        table: 'sales_db.customers',
        producer_domain: 'sales',
        accesses: 3,
        readers: 2,
        new_readers: 1,
        bytes_scanned: 5_242_880 + 1_073_741_824 + 100,
        first_access_at: '2026-10-02T09:00:00.000Z',
        last_access_at: '2026-10-08T08:00:00.000Z',
        principals: 'alice.wong, bob.lee',
      }),
    ]);
  });

  it('groups by person, most active first', async () => {
    const { byPerson } = await piiAccess(db, { window: WINDOW });
    expect(byPerson.rows.map((row) => [row.principal, row.accesses, row.table_count])).toEqual([
      ['alice.wong', 2, 1],
      ['bob.lee', 1, 1],
    ]);
  });
});

describe('piiSections', () => {
  it('gives JSON all three sections as one object', async () => {
    const report = await piiAccess(db, { window: WINDOW });
    const json = JSON.parse(renderSections(piiSections(report, 'json'), 'json'));
    expect(Object.keys(json)).toEqual(['by_table', 'by_person', 'accesses']);
    expect(json.accesses).toHaveLength(3);
  });

  it('shows both groupings in a table, titled, and one with --by', async () => {
    const report = await piiAccess(db, { window: WINDOW });
    const both = renderSections(piiSections(report, 'table'), 'table');
    expect(both).toContain('PII accesses by table\n');
    expect(both).toContain('PII accesses by person\n');
    const byPerson = renderSections(piiSections(report, 'table', 'person'), 'table');
    expect(byPerson).not.toContain('by table');
    expect(byPerson.split('\n')[0]).toMatch(/^principal\s+kind/);
  });

  it('writes the accesses as CSV by default and a grouping with --by', async () => {
    const report = await piiAccess(db, { window: WINDOW });
    expect(renderSections(piiSections(report, 'csv'), 'csv').split('\r\n')[0]).toMatch(
      /^event_time,table,producer_domain,principal,/,
    );
    expect(renderSections(piiSections(report, 'csv', 'table'), 'csv').split('\r\n')[0]).toMatch(
      /^table,producer_domain,accesses,/,
    );
  });

  it('says so when the window holds no PII access', async () => {
    const report = await piiAccess(db, { window: { since: new Date('2026-10-25T00:00:00Z'), until: WINDOW.until } });
    expect(renderSections(piiSections(report, 'table', 'table'), 'table')).toBe(
      'no PII accesses between 2026-10-25T00:00:00Z and 2026-10-31T00:00:00Z\n',
    );
  });
});

describe('parsePiiGrouping', () => {
  it('rejects an unknown grouping with the accepted ones', () => {
    expect(() => parsePiiGrouping('team')).toThrow(UsageError);
    expect(() => parsePiiGrouping('team')).toThrow(/group PII accesses by "team"/);
    expect(parsePiiGrouping('person')).toBe('person');
  });
});

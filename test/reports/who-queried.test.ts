import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/errors.js';
import type { Database } from '../../lib/lake/duckdb.js';
import { renderSections } from '../../reports/section.js';
import { parseTableTarget, whoQueried } from '../../reports/who-queried.js';
import { createFixtureLake, TRICKY_QUERY, WINDOW } from './fixture-lake.js';

let db: Database;

beforeAll(async () => {
  db = await (await createFixtureLake()).open();
});
afterAll(() => db.close());

async function usageErrorOf(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('whoQueried', () => {
  it('lists every access to the table inside the window, oldest first, denied ones included', async () => {
    // Act
    const section = await whoQueried(db, { target: 'sales_db.customers', window: WINDOW });
    // Assess
    expect(section.rows.map((row) => row.query_id)).toEqual(['q1', 'q2', 'q3', 'q6']);
    expect(section.rows.map((row) => row.outcome)).toEqual(['allowed', 'allowed', 'denied', 'allowed']);
    expect(section.rows[0]).toMatchObject({
      principal: 'alice.wong',
      account_id: '411111111111',
      domain: 'analytics',
      service: 'athena',
      bytes_scanned: 5_242_880,
      grant_path: 'lf_tag_policy',
      query: TRICKY_QUERY,
    });
    expect(section.columns.map((column) => column.name)).toEqual([
      'event_time',
      'table',
      'principal',
      'principal_arn',
      'account_id',
      'domain',
      'service',
      'query_id',
      'query',
      'bytes_scanned',
      'outcome',
      'grant_path',
    ]);
  });

  it('narrows to a column: queries that name it or select every column, not those without known text', async () => {
    const section = await whoQueried(db, { target: 'sales_db.customers.email', window: WINDOW });
    expect(section.rows.map((row) => row.query_id)).toEqual(['q1', 'q2']);
  });

  it('lists every table a principal touched, with the grant path of each access', async () => {
    const section = await whoQueried(db, {
      principal: 'reporting-etl',
      window: { since: new Date('2026-09-01T00:00:00Z'), until: WINDOW.until },
    });
    expect(section.rows).toHaveLength(1);
    expect(section.rows[0]).toMatchObject({ table: 'sales_db.orders', grant_path: 'lf_tag_policy' });
  });

  it('matches the table name case-insensitively', async () => {
    const section = await whoQueried(db, { target: 'Sales_DB.Customers', window: WINDOW });
    expect(section.rows).toHaveLength(4);
  });

  it('suggests the closest known tables for an unknown one', async () => {
    const error = await usageErrorOf(whoQueried(db, { target: 'sales_db.custmers', window: WINDOW }));
    expect(error.message).toBe('unknown table "sales_db.custmers"');
    expect(error.hint).toContain('"sales_db.customers"');
    expect(error.exitCode).toBe(2);
  });

  it('suggests the closest principal for an unknown one', async () => {
    const error = await usageErrorOf(whoQueried(db, { principal: 'alice.wang', window: WINDOW }));
    expect(error.message).toContain('unknown principal "alice.wang"');
    expect(error.hint).toContain('"alice.wong"');
  });

  it('asks for a table or a principal when given neither', async () => {
    const error = await usageErrorOf(whoQueried(db, { window: WINDOW }));
    expect(error.hint).toContain('--principal');
  });

  it('sums the same accesses per way in with --summary: principal, account, outcome and grant path', async () => {
    // Prepare
    const listing = await whoQueried(db, { target: 'sales_db.customers', window: WINDOW });
    // Act
    const summary = await whoQueried(db, { target: 'sales_db.customers', window: WINDOW, summary: true });
    // Assess: alice's two allowed reads are one row; bob's allowed read and denied attempt stay apart.
    expect(summary.key).toBe('ways_in');
    expect(summary.rows.map((row) => [row.principal, row.outcome, row.accesses])).toEqual([
      ['alice.wong', 'allowed', 2],
      ['bob.lee', 'allowed', 1],
      ['bob.lee', 'denied', 1],
    ]);
    const alice = listing.rows.filter((row) => row.principal === 'alice.wong');
    expect(summary.rows[0]).toMatchObject({
      table: 'sales_db.customers',
      account_id: '411111111111',
      domain: 'analytics',
      service: 'athena',
      grant_path: 'lf_tag_policy',
      queries: 2,
      bytes_scanned: alice.reduce((sum, row) => sum + (row.bytes_scanned as number), 0),
      first_access_at: alice[0]?.event_time,
      last_access_at: alice.at(-1)?.event_time,
    });
    expect(summary.rows.reduce((sum, row) => sum + (row.accesses as number), 0)).toBe(listing.rows.length);
  });

  it('applies the column and principal filters before summing', async () => {
    const byColumn = await whoQueried(db, { target: 'sales_db.customers.email', window: WINDOW, summary: true });
    expect(byColumn.rows.map((row) => [row.principal, row.accesses])).toEqual([
      ['alice.wong', 1],
      ['bob.lee', 1],
    ]);
    const byPrincipal = await whoQueried(db, {
      principal: 'alice.wong',
      window: { since: new Date('2026-09-01T00:00:00Z'), until: WINDOW.until },
      summary: true,
    });
    expect(byPrincipal.rows.map((row) => [row.table, row.accesses])).toEqual([['sales_db.customers', 3]]);
  });

  it('says so in one line when nothing matched, and prints [] as JSON', async () => {
    const window = { since: new Date('2026-10-20T00:00:00Z'), until: WINDOW.until };
    const section = await whoQueried(db, { target: 'sales_db.customers', window });
    expect(renderSections([section], 'table')).toBe(
      'no accesses to sales_db.customers between 2026-10-20T00:00:00Z and 2026-10-31T00:00:00Z\n',
    );
    expect(JSON.parse(renderSections([section], 'json'))).toEqual([]);
    expect(renderSections([section], 'csv').split('\r\n')[0]).toBe(
      'event_time,table,principal,principal_arn,account_id,domain,service,query_id,query,bytes_scanned,outcome,grant_path',
    );
  });
});

describe('parseTableTarget', () => {
  it('splits database, table and column', () => {
    expect(parseTableTarget('sales_db.customers.email')).toEqual({ table: 'sales_db.customers', column: 'email' });
    expect(parseTableTarget('sales_db.customers')).toEqual({ table: 'sales_db.customers' });
  });

  it('rejects a name without a database or with SQL in it', () => {
    expect(() => parseTableTarget('customers')).toThrow(UsageError);
    expect(() => parseTableTarget("sales_db.customers.x'--")).toThrow(/as a table/);
  });
});

describe('who-queried output formats', () => {
  it('writes CSV with a header, raw values and the query text quoted and escaped', async () => {
    const section = await whoQueried(db, { target: 'sales_db.customers', window: WINDOW });
    const csv = renderSections([section], 'csv');
    expect(csv).toContain(`"${TRICKY_QUERY.replaceAll('"', '""')}"`);
    expect(csv).toContain(',5242880,allowed,lf_tag_policy');
    expect(csv.startsWith('event_time,table,principal,')).toBe(true);
  });

  it('prints JSON that parses with raw values in fixed column order', async () => {
    const section = await whoQueried(db, { target: 'sales_db.customers', window: WINDOW });
    const rows = JSON.parse(renderSections([section], 'json'));
    expect(rows).toHaveLength(4);
    expect(Object.keys(rows[0])[0]).toBe('event_time');
    expect(rows[0].event_time).toBe('2026-10-02T09:00:00.000Z');
    expect(rows[1].bytes_scanned).toBe(1_073_741_824);
  });

  it('prints a table with units and one line per access', async () => {
    const section = await whoQueried(db, { target: 'sales_db.customers', window: WINDOW });
    const lines = renderSections([section], 'table').trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 4);
    expect(lines[2]).toContain('5.0 MiB');
    expect(lines[3]).toContain('1.0 GiB');
    expect(lines[2]).toContain('2026-10-02 09:00:00Z');
  });
});

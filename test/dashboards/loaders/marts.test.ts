import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMartsWithParquet, selectFromMart } from '../../../dashboards/loaders/marts.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { FIXTURE_MARTS, writeFixtureLake } from '../fixture-lake.js';

describe('selectFromMart', () => {
  let lake: string;
  let databaseOnlyLake: string;

  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'meshwatch-loaders-'));
    await writeFixtureLake(lake, ['product_freshness', 'grant_drift']);
    databaseOnlyLake = await mkdtemp(join(tmpdir(), 'meshwatch-loaders-db-'));
    const db = await openDatabase(join(databaseOnlyLake, 'meshwatch.duckdb'));
    await db.run("create table grant_drift as select 'd-9' as drift_id, 'critical' as severity");
    db.close();
  });

  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
    await rm(databaseOnlyLake, { recursive: true, force: true });
  });

  it("reads a mart's Parquet with parameters, keeping column types", async () => {
    const selection = await selectFromMart(
      'product_freshness',
      'select product, last_update_at, completeness from product_freshness where domain = $domain order by product',
      { domain: 'sales' },
      lake,
    );

    expect(selection.available).toBe(true);
    expect(selection.rows.map((row) => row.product)).toEqual(['sales.customers', 'sales.orders']);
    expect(selection.columns.map((column) => column.name)).toEqual(['product', 'last_update_at', 'completeness']);
    expect(selection.rows[0]?.last_update_at).toMatch(/^2026-10-28T11:00:00/);
  });

  it('reports a mart that is in neither Parquet nor the database file as unavailable', async () => {
    const selection = await selectFromMart('chargeback_matrix', 'select * from chargeback_matrix', undefined, lake);

    expect(selection).toEqual({ mart: 'chargeback_matrix', available: false, columns: [], rows: [] });
  });

  it('falls back to the table in meshwatch.duckdb when the mart has no Parquet', async () => {
    const selection = await selectFromMart(
      'grant_drift',
      'select drift_id, severity from grant_drift',
      undefined,
      databaseOnlyLake,
    );

    expect(selection.available).toBe(true);
    expect(selection.rows).toEqual([{ drift_id: 'd-9', severity: 'critical' }]);
  });

  it('refuses a mart name that is not an identifier', async () => {
    await expect(selectFromMart('x; drop table y', 'select 1', undefined, lake)).rejects.toThrow(/invalid mart name/);
  });

  it('lists the marts that have Parquet files', async () => {
    await expect(listMartsWithParquet(lake)).resolves.toEqual(['grant_drift', 'product_freshness']);
    expect(Object.keys(FIXTURE_MARTS)).toContain('product_freshness');
  });
});

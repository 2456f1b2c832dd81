/**
 * End to end on the sample organisation: collect sample-logs/ into a temp lake with the repository's
 * config (file mode, no AWS), transform, and check that the marts recover every fact planted in
 * sample-logs/truth.json exactly — no missing rows, no extra rows, no differing fields.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../ingest/index.js';
import { loadConfig } from '../../lib/config/load.js';
import { createContext } from '../../lib/context.js';
import { pathExists } from '../../lib/lake/atomic.js';
import { type Database, openDatabase } from '../../lib/lake/duckdb.js';
import { createLogger } from '../../lib/log.js';
import { transform } from '../../transforms/index.js';
import { compareWithTruth, type Mismatches } from './truth-check.js';

const repo = resolve(import.meta.dirname, '..', '..');
const truthFile = join(repo, 'sample-logs', 'truth.json');
const hasSample = await pathExists(truthFile);
if (!hasSample) console.warn(`e2e: ${truthFile} is absent; run npm run sample to generate the sample organisation`);

describe.skipIf(!hasSample)('the sample organisation end to end', () => {
  let mismatches: Mismatches;
  let db: Database;

  beforeAll(async () => {
    const lake = await mkdtemp(join(tmpdir(), 'meshwatch-e2e-'));
    const config = await loadConfig(join(repo, 'meshwatch.config.yaml'), { lake });
    const ctx = createContext(config, createLogger('quiet'));
    await collect(ctx);
    await transform(ctx);
    db = await openDatabase(ctx.layout.databaseFile, { readOnly: true });
    mismatches = await compareWithTruth(db, JSON.parse(await readFile(truthFile, 'utf8')));
    return () => db.close();
  });

  for (const fact of [
    'accesses',
    'pii_reads',
    'denied_attempts',
    'pii_new_readers',
    'sla_breaches',
    'products',
    'drift',
    'lf_settings',
    'monthly_costs',
    'monthly_totals',
    'athena_matrix',
    'athena_daily_usage',
    'coverage_gaps',
  ]) {
    it(`recovers truth.json ${fact} exactly`, () => {
      expect(mismatches[fact] ?? []).toEqual([]);
    });
  }

  it('reconciles each month of domain_chargeback with the Cost Explorer total to the cent', async () => {
    const rows = await db.all<{ month: string; difference: number }>(`
      SELECT c.month, abs(c.total - d.total) AS difference
      FROM (SELECT strftime(day, '%Y-%m') AS month, sum(unblended_cost_usd) AS total FROM cost_daily
            WHERE grouping = 'LINKED_ACCOUNT,SERVICE' GROUP BY 1) AS c
      JOIN (SELECT month, sum(total_usd) AS total FROM domain_chargeback GROUP BY 1) AS d USING (month)`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.difference).toBeLessThan(0.005);
  });

  it('splits the shared accounts in chargeback_focus into rows that sum back to each charge', async () => {
    const [row] = await db.all<{ charges: number; unbalanced: number }>(`
      SELECT count(*) AS charges, count(*) FILTER (WHERE abs(allocated - charge) > 1e-9) AS unbalanced
      FROM (SELECT "SubAccountId", "ServiceName", "ChargePeriodStart", sum("BilledCost") AS allocated
            FROM chargeback_focus WHERE "AllocatedMethodId" IS NOT NULL GROUP BY ALL) AS f
      JOIN (SELECT account_id AS "SubAccountId", service AS "ServiceName", CAST(day AS TIMESTAMP) AS "ChargePeriodStart",
                   sum(unblended_cost_usd) AS charge FROM cost_daily WHERE grouping = 'LINKED_ACCOUNT,SERVICE' GROUP BY ALL) AS c
      USING ("SubAccountId", "ServiceName", "ChargePeriodStart")`);
    expect(row?.charges).toBeGreaterThan(0);
    expect(row?.unbalanced).toBe(0);
  });
});

import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnTypes } from '../../ingest/aws/dataset-spec.js';
import { collectContracts } from '../../ingest/contracts/collector.js';
import { costDailyDataset } from '../../ingest/cost-explorer/datasets.js';
import { writeLocalDataset } from '../../ingest/declared-grants/local-dataset.js';
import { parseConfig } from '../../lib/config/load.js';
import { createContext } from '../../lib/context.js';
import { openDatabase } from '../../lib/lake/duckdb.js';
import { createLogger } from '../../lib/log.js';
import { ensureMarts, transform } from '../../transforms/index.js';

async function sampleLake() {
  const root = await mkdtemp(join(tmpdir(), 'meshwatch-transform-'));
  await mkdir(join(root, 'contracts'));
  await writeFile(
    join(root, 'contracts', 'orders.yaml'),
    `product: sales.orders
table: sales_db.orders
account_id: "311111111111"
domain: sales
owner: { team: sales-data, contact: sales-data@example.com }
freshness: { sla: every 24h, warn_lag_hours: 26, max_lag_hours: 30 }
cadence: daily
partition_key: dt
`,
  );
  const config = parseConfig(
    `lake: ./lake
now: 2026-10-31T00:00:00Z
organization:
  id: o-abc123def4
  accounts:
    - { id: "311111111111", name: sales-prod, domain: sales, kind: producer }
sources:
  contracts: { path: ./contracts }
`,
    join(root, 'meshwatch.config.yaml'),
  );
  const lines: string[] = [];
  const ctx = createContext(
    config,
    createLogger('normal', (line) => lines.push(line)),
  );
  return { root, ctx, lines };
}

/** The fixture's table shape is the dataset's declaration, not a copy of it. */
const COST_COLUMNS = columnTypes(costDailyDataset);

describe('transform', () => {
  it('fails naming the columns when a dataset lacks a declared column, instead of reading it as NULL', async () => {
    // Prepare: a cost_daily written without the columns a newer collector declares
    const { ctx } = await sampleLake();
    const { tag_key: _tagKey, currency: _currency, ...partial } = COST_COLUMNS;
    await writeLocalDataset(ctx.layout, 'cost_daily', partial, [
      { day: '2026-10-02', grouping: 'LINKED_ACCOUNT,SERVICE', account_id: '311111111111', unblended_cost_usd: 2.5 },
    ]);
    // Act / Assess
    await expect(transform(ctx)).rejects.toThrow(/dataset cost_daily lacks declared column\(s\) tag_key, currency/);
  });

  it('builds every mart as a DuckDB table and a Parquet file, with empty typed marts for datasets that are absent', async () => {
    // Prepare
    const { ctx } = await sampleLake();
    await collectContracts(ctx);
    await writeLocalDataset(ctx.layout, 'cost_daily', COST_COLUMNS, [
      {
        day: '2026-10-02',
        grouping: 'LINKED_ACCOUNT,SERVICE',
        account_id: '311111111111',
        service: 'AWS Glue',
        unblended_cost_usd: 2.5,
      },
    ]);
    // Act
    const result = await transform(ctx);
    // Assess
    const outputs = Object.fromEntries(result.outputs.map((output) => [output.name, output.rows]));
    expect(outputs).toMatchObject({ product_freshness: 1, cost_daily_domain: 1, data_access: 0, grant_drift: 0 });
    expect(result.notes.join('\n')).toMatch(/no data for cloudtrail, .*: their staging models are empty/);
    const db = await openDatabase(ctx.layout.databaseFile, { readOnly: true });
    try {
      const [freshness] = await db.all('SELECT product, status, expected_partitions FROM product_freshness');
      expect(freshness).toEqual({ product: 'sales.orders', status: 'unknown', expected_partitions: 30 });
      const parquet = join(ctx.layout.martDir('cost_daily_domain'), 'cost_daily_domain.parquet');
      expect(await db.all(`SELECT domain, cost_usd FROM read_parquet('${parquet}')`)).toEqual([
        { domain: 'sales', cost_usd: 2.5 },
      ]);
      const columns = await db.all<{ column_name: string }>('SELECT column_name FROM (DESCRIBE data_access)');
      expect(columns.map((column) => column.column_name)).toEqual(
        expect.arrayContaining(['access_id', 'table_fqn', 'event_ids', 'outcome']),
      );
    } finally {
      db.close();
    }
  });

  it('gives the same marts when run twice', async () => {
    const { ctx } = await sampleLake();
    await collectContracts(ctx);
    const first = await transform(ctx);
    const second = await transform(ctx);
    expect(second.outputs.map((output) => [output.name, output.rows])).toEqual(
      first.outputs.map((output) => [output.name, output.rows]),
    );
  });
});

describe('ensureMarts', () => {
  it('transforms on first use, does nothing while nothing changed, and transforms again when a dataset changes', async () => {
    // Prepare
    const { ctx } = await sampleLake();
    await collectContracts(ctx);
    // Act
    const first = await ensureMarts(ctx);
    const unchanged = await ensureMarts(ctx);
    await writeLocalDataset(ctx.layout, 'cost_daily', COST_COLUMNS, [
      {
        day: '2026-10-03',
        grouping: 'LINKED_ACCOUNT,SERVICE',
        account_id: '311111111111',
        service: 'AWS Glue',
        unblended_cost_usd: 1,
      },
    ]);
    const changed = await ensureMarts(ctx);
    // Assess
    expect(first?.stage).toBe('transform');
    expect(unchanged).toBeUndefined();
    expect(changed?.outputs.find((output) => output.name === 'cost_daily_domain')?.rows).toBe(1);
    const state = JSON.parse(await readFile(ctx.layout.statePath('transforms.json'), 'utf8'));
    expect(state.marts).toContain('grant_drift');
  });
});

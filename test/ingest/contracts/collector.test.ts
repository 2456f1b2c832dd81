import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectContracts } from '../../../ingest/contracts/collector.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { createLogger } from '../../../lib/log.js';

const ORDERS = `product: sales.orders
table: sales_db.orders
account_id: "311111111111"
domain: sales
owner: { team: sales-data, contact: sales-data@example.com }
sensitivity: internal
description: One row per order line.
freshness: { sla: "every 24h by 06:00 UTC", warn_lag_hours: 26, max_lag_hours: 30 }
cadence: daily
partition_key: dt
`;

async function contractsLake(files: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'meshwatch-contracts-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, 'contracts', name, '..'), { recursive: true });
    await writeFile(join(root, 'contracts', name), text);
  }
  const config = parseConfig(
    'lake: ./lake\norganization: { id: o-abc123def4 }\nsources:\n  contracts: { path: ./contracts }\n',
    join(root, 'meshwatch.config.yaml'),
  );
  return createContext(config, createLogger('quiet'));
}

describe('collectContracts', () => {
  it('loads valid contracts and quarantines invalid, unparsable and duplicate ones with the reason', async () => {
    // Prepare
    const ctx = await contractsLake({
      'sales/orders.yaml': ORDERS,
      'sales/orders-copy.yaml': ORDERS,
      'finance/bad.yaml': ORDERS.replace('cadence: daily', 'cadence: weekly').replace('sales.orders', 'finance.bad'),
      'finance/broken.yml': 'product: [unclosed',
    });
    // Act
    const result = await collectContracts(ctx);
    // Assess
    expect(result.outputs[0]?.rows).toBe(1);
    expect(result.warnings).toBe(3);
    const reasons = await Promise.all(
      (await readdir(ctx.layout.quarantinePath('contracts'))).map(
        async (name) => JSON.parse(await readFile(ctx.layout.quarantinePath('contracts', name), 'utf8')).reason as string,
      ),
    );
    expect(reasons).toHaveLength(3);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'cadence: must be daily or hourly',
        expect.stringMatching(/^not valid YAML/),
        'product sales.orders is already defined in sales/orders-copy.yaml',
      ]),
    );
    const db = await openDatabase();
    try {
      const rows = await db.all(
        `SELECT product, table_fqn, account_id, owner_team, warn_lag_hours, max_lag_hours, cadence, partition_key FROM read_parquet('${ctx.layout.datasetDir('data_contracts')}/*.parquet')`,
      );
      expect(rows).toEqual([
        {
          product: 'sales.orders',
          table_fqn: 'sales_db.orders',
          account_id: '311111111111',
          owner_team: 'sales-data',
          warn_lag_hours: 26,
          max_lag_hours: 30,
          cadence: 'daily',
          partition_key: 'dt',
        },
      ]);
    } finally {
      db.close();
    }
  });

  it('quarantines a contract symlink that leads out of the folder instead of reading it, and follows one inside', async () => {
    // Prepare
    const ctx = await contractsLake({ 'sales/orders.yaml': ORDERS });
    const root = join(ctx.layout.root, '..');
    await mkdir(join(root, 'elsewhere'));
    await writeFile(join(root, 'elsewhere', 'finance.yaml'), ORDERS.replace('sales.orders', 'finance.ledger'));
    await symlink(join(root, 'elsewhere', 'finance.yaml'), join(root, 'contracts', 'finance.yaml'));
    await symlink(join(root, 'contracts', 'sales'), join(root, 'contracts', 'sales-alias'));

    // Act
    const result = await collectContracts(ctx);

    // Assess: the alias inside the folder is read (a duplicate product), the link out is not
    expect(result.outputs[0]?.rows).toBe(1);
    const reasons = await Promise.all(
      (await readdir(ctx.layout.quarantinePath('contracts'))).map(
        async (name) =>
          JSON.parse(await readFile(ctx.layout.quarantinePath('contracts', name), 'utf8')) as Record<string, string>,
      ),
    );
    expect(reasons.map((entry) => [entry.file, entry.reason]).sort()).toEqual([
      ['finance.yaml', `not read: a symlink to ${join(root, 'elsewhere', 'finance.yaml')}, outside ${join(root, 'contracts')}`],
      [join('sales', 'orders.yaml'), 'product sales.orders is already defined in sales-alias/orders.yaml'],
    ]);
  });
});

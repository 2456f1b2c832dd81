import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectContracts } from '../../../ingest/contracts/collector.js';
import { writeLocalDataset } from '../../../ingest/declared-grants/local-dataset.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext, type RunContext } from '../../../lib/context.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { ensureMarts, StaleMartsError, transform } from '../../../transforms/index.js';
import { martsFreshness, modelNow } from '../../../transforms/runner/marts-freshness.js';

const CONTRACT = `product: sales.orders
table: sales_db.orders
account_id: "311111111111"
domain: sales
owner: { team: sales-data, contact: sales-data@example.com }
freshness: { sla: every 24h, warn_lag_hours: 26, max_lag_hours: 30 }
cadence: daily
partition_key: dt
`;

/** A lake with one data contract; `context(now, extra)` builds a context over it with that config. */
async function contractLake() {
  const root = await mkdtemp(join(tmpdir(), 'meshwatch-freshness-'));
  await mkdir(join(root, 'contracts'));
  await writeFile(join(root, 'contracts', 'orders.yaml'), CONTRACT);
  const context = (now = '2026-10-31T00:00:00Z', extraYaml = ''): RunContext & { logger: { lines: string[] } } => {
    const config = parseConfig(
      `lake: ./lake
now: ${now}
organization:
  id: o-abc123def4
  accounts:
    - { id: "311111111111", name: sales-prod, domain: sales, kind: producer }
sources:
  contracts: { path: ./contracts }
${extraYaml}`,
      join(root, 'meshwatch.config.yaml'),
    );
    const logger = createMemoryLogger('normal');
    return Object.assign(createContext(config, logger), { logger });
  };
  return { root, context };
}

async function asOf(ctx: RunContext): Promise<string> {
  const db = await openDatabase(ctx.layout.databaseFile, { readOnly: true });
  try {
    const [row] = await db.all<{ as_of: string }>("SELECT strftime(as_of, '%Y-%m-%dT%H:%M:%S') AS as_of FROM product_freshness");
    return String(row?.as_of);
  } finally {
    db.close();
  }
}

describe('martsFreshness', () => {
  it('is current right after a transform, and names each input that changed since', async () => {
    // Prepare
    const lake = await contractLake();
    const ctx = lake.context();
    await collectContracts(ctx);
    await transform(ctx);
    // Act
    const fresh = await martsFreshness(ctx);
    const sameMinute = await martsFreshness(lake.context('2026-10-31T00:00:59Z'));
    const weekLater = await martsFreshness(lake.context('2026-11-07T00:00:00Z'));
    const repriced = await martsFreshness(lake.context(undefined, 'pricing: { athena_usd_per_tb: 6 }\n'));
    await writeLocalDataset(ctx.layout, 'cost_daily', { day: 'DATE', unblended_cost_usd: 'DOUBLE' }, [
      { day: '2026-10-02', unblended_cost_usd: 1 },
    ]);
    const newData = await martsFreshness(ctx);
    await rm(ctx.layout.databaseFile);
    const noDatabase = await martsFreshness(ctx);
    // Assess
    expect(fresh).toMatchObject({ current: true, reasons: [] });
    expect(sameMinute.current).toBe(true);
    expect(weekLater.reasons).toEqual(['now moved from 2026-10-31T00:00:00.000Z to 2026-11-07T00:00:00.000Z']);
    expect(repriced.reasons).toEqual(['config changed: pricing']);
    expect(newData.reasons).toEqual(["the lake's datasets changed since the last transform"]);
    expect(noDatabase.reasons.join('; ')).toContain('files the last transform wrote are gone: meshwatch.duckdb');
  });

  it('says so when no transform has run on the lake', async () => {
    const lake = await contractLake();
    expect((await martsFreshness(lake.context())).reasons).toEqual(['no transform has run on this lake yet']);
  });
});

describe('modelNow', () => {
  it('truncates to the minute, the granularity the models see', () => {
    expect(modelNow(new Date('2026-11-07T10:03:27.512Z')).toISOString()).toBe('2026-11-07T10:03:00.000Z');
  });
});

describe('ensureMarts', () => {
  it('rebuilds stale marts for the current now, or refuses with the reason when told not to transform', async () => {
    // Prepare
    const lake = await contractLake();
    await collectContracts(lake.context());
    await transform(lake.context());
    const later = lake.context('2026-11-07T12:30:45Z');
    // Act
    const refusal = await ensureMarts(later, { ifStale: 'refuse' }).catch((error: unknown) => error);
    const rebuilt = await ensureMarts(later);
    const again = await ensureMarts(later);
    // Assess
    expect(refusal).toBeInstanceOf(StaleMartsError);
    expect((refusal as StaleMartsError).message).toBe(
      'the marts are not current: now moved from 2026-10-31T00:00:00.000Z to 2026-11-07T12:30:00.000Z',
    );
    expect((refusal as StaleMartsError).exitCode).toBe(1);
    expect(rebuilt?.stage).toBe('transform');
    expect(later.logger.lines).toContain(
      'transform: rebuilding the marts (now moved from 2026-10-31T00:00:00.000Z to 2026-11-07T12:30:00.000Z)',
    );
    expect(await asOf(later)).toBe('2026-11-07T12:30:00');
    expect(again).toBeUndefined();
  });

  it('rebuilds after a config change the models read, not after one they do not', async () => {
    const lake = await contractLake();
    await collectContracts(lake.context());
    await transform(lake.context());
    expect(await ensureMarts(lake.context(undefined, 'alerts: { renotify_after_hours: 12 }\n'))).toBeUndefined();
    const changed = lake.context(undefined, 'pii: { tag_key: privacy }\n');
    expect((await ensureMarts(changed))?.stage).toBe('transform');
    expect(changed.logger.lines).toContain('transform: rebuilding the marts (config changed: pii)');
  });
});

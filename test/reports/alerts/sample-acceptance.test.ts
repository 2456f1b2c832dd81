/**
 * Acceptance on the sample organisation: the collected and transformed sample lake (built once per
 * vitest run by test/reports/sample-lake.ts) is copied — its DuckDB file, which holds the marts —
 * into a lake of our own, so alert state never lands in the shared lake. Then: the first run opens
 * exactly the alerts truth.json `expected_alerts` names, a second run sends nothing, and a breach
 * cleared by new data resolves with one notification.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { createMemoryLogger } from '../../../lib/log.js';
import type { Destination } from '../../../reports/alerts/destinations/destination.js';
import { evaluateAlerts } from '../../../reports/alerts/index.js';
import type { Notification } from '../../../reports/alerts/types.js';
import { ROOT, sampleLake, sampleTruth } from '../sample-lake.js';
import { tempLakeDir } from './fixtures.js';

interface ExpectedAlert {
  readonly rule: string;
  readonly resource: string;
}

const truth = (await sampleTruth()) as { expected_alerts?: ExpectedAlert[] } | undefined;
const expected = truth?.expected_alerts;
if (!expected) console.warn('alert acceptance on the sample skipped: sample-logs/truth.json (expected_alerts) is absent');

function recorder(): Destination & { received: Notification[] } {
  const received: Notification[] = [];
  return { name: 'stdout', type: 'test', received, accepts: () => true, send: async (n) => void received.push(n) };
}

const key = (alert: { rule: string; resource: string }) => `${alert.rule} | ${alert.resource}`;

describe.skipIf(!expected)('alerts on the sample organisation', () => {
  let lake: string;
  beforeAll(async () => {
    const shared = await sampleLake();
    lake = await tempLakeDir();
    await copyFile(join(shared, 'meshwatch.duckdb'), join(lake, 'meshwatch.duckdb'));
  });

  async function context() {
    const config = await loadConfig(join(ROOT, 'meshwatch.config.yaml'), { lake });
    return createContext(config, createMemoryLogger());
  }

  it('opens exactly the expected alerts, sends nothing on a second run, and resolves a cleared breach once', async () => {
    const stdout = recorder();
    const deps = { destinations: { destinations: [stdout], metricSinks: [] } };

    const first = await evaluateAlerts(await context(), {}, deps);
    expect(first.outcomes.filter((o) => !o.evaluated).map((o) => `${o.ruleId}: ${o.skippedReason}`)).toEqual([]);
    expect(stdout.received.map(key).sort()).toEqual((expected as ExpectedAlert[]).map(key).sort());
    expect(stdout.received.every((n) => n.kind === 'opened')).toBe(true);

    await evaluateAlerts(await context(), {}, deps);
    expect(stdout.received).toHaveLength(expected!.length);

    const breach = stdout.received.find((n) => n.rule === 'freshness_sla_breached');
    expect(breach, 'the sample has an SLA breach at now').toBeDefined();
    const db = await openDatabase(join(lake, 'meshwatch.duckdb'));
    await db.run("UPDATE product_freshness SET status = 'fresh', lag_hours = 1 WHERE product = $product", {
      product: breach!.resource,
    });
    db.close();
    const third = await evaluateAlerts(await context(), {}, deps);
    expect(stdout.received.slice(expected!.length).map((n) => `${n.kind} ${key(n)}`)).toEqual([`resolved ${key(breach!)}`]);
    expect(third.open).toHaveLength(expected!.length - 1);
    expect(JSON.parse(await readFile(join(lake, '_state/alerts/state.json'), 'utf8')).outbox).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { BASE_CONFIG, markMartsCurrent, tempLakeDir, writeMarts } from './fixtures.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'cli/bin/meshwatch.js');

async function meshwatch(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

async function setUp(extraYaml = '') {
  const lake = await tempLakeDir();
  await writeMarts(lake, {
    product_freshness: [
      {
        product: 'sales.orders',
        table_fqn: 'sales_db.orders',
        domain: 'sales',
        account_id: '311111111111',
        max_lag_hours: 26,
        lag_hours: 80,
        status: 'breached',
      },
    ],
  });
  const config = join(lake, 'meshwatch.config.yaml');
  await writeFile(config, `${BASE_CONFIG}lake: ${lake}\n${extraYaml}`);
  await markMartsCurrent(createContext(await loadConfig(config)));
  return { lake, config };
}

describe('meshwatch alerts', () => {
  it('dry-runs, runs and notifies on stdout, lists open alerts and snoozes one', async () => {
    const { config } = await setUp();

    const dry = await meshwatch(['--config', config, 'alerts', '--dry-run', '--format', 'json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual([
      expect.objectContaining({
        would_notify: 'opened',
        rule: 'freshness_sla_breached',
        resource: 'sales.orders',
        status: 'open',
      }),
    ]);
    expect(JSON.parse((await meshwatch(['--config', config, 'alerts', '--format', 'json'])).stdout)).toEqual([]);

    const run = await meshwatch(['--config', config, 'alerts', 'run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[ALERT] HIGH Data product past its freshness SLA: sales.orders');
    expect(run.stdout).toMatch(/confirm: meshwatch sql "select product/);
    expect(run.stderr).toContain('1 opened');

    const listed = JSON.parse((await meshwatch(['--config', config, 'alerts', '--format', 'json'])).stdout);
    expect(listed).toEqual([
      expect.objectContaining({ status: 'open', severity: 'high', rule: 'freshness_sla_breached', owner: 'sales-oncall' }),
    ]);

    const again = await meshwatch(['--config', config, 'alerts', 'run']);
    expect(again.stdout).toBe('');

    const snooze = await meshwatch(['--config', config, 'alerts', 'snooze', listed[0].id.slice(0, 8), '--until', '2d']);
    expect(snooze.code).toBe(0);
    expect(snooze.stderr).toContain('snoozed until 2026-11-02T00:00:00.000Z');
    const csv = await meshwatch(['--config', config, 'alerts', '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[1]).toMatch(new RegExp(`^${listed[0].id},snoozed,high,freshness_sla_breached,sales.orders,`));
  });

  it('exits 2 for an unknown alert id and for a wrong rule parameter in the config', async () => {
    const { config } = await setUp();
    const unknown = await meshwatch(['--config', config, 'alerts', 'snooze', 'ffffffff', '--until', '1d']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no alert with id ffffffff');

    const bad = await setUp('alerts:\n  rules:\n    athena_scan_spike: { spike_factr: 3 }\n');
    const result = await meshwatch(['--config', bad.config, 'alerts', 'run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'alerts.rules.athena_scan_spike.spike_factr: unknown parameter — did you mean "spike_factor"?',
    );
  });
});

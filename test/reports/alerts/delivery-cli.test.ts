/**
 * `meshwatch alerts run` end to end against local webhook receivers: what the exit code says about
 * delivery, what stays in the outbox, and that no secret part of a destination URL reaches stdout,
 * stderr or any file under the lake.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import type { AlertState } from '../../../reports/alerts/types.js';
import { BASE_CONFIG, markMartsCurrent, tempLakeDir, writeMarts } from './fixtures.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'cli/bin/meshwatch.js');

async function meshwatch(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

interface Receiver {
  readonly host: string;
  readonly requests: string[];
}

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function receiver(respond: (response: ServerResponse) => void): Promise<Receiver> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests.push(`${request.method} ${request.url}`);
      respond(response);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  servers.push({ close: () => server.close() });
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const PRODUCTS = ['sales.orders', 'sales.refunds', 'sales.invoices'];
/** Parts of the destination URLs that are credentials: none may appear anywhere. */
const SECRETS = ['hunter2', 'T0SECRETA', 'B0SECRETB', 'tokenSECRETc', 'qsSECRETd'];
const secretUrl = (host: string) => `http://alice:hunter2@${host}/services/T0SECRETA/B0SECRETB/tokenSECRETc?token=qsSECRETd`;

async function setUp(destinationsYaml: string) {
  const lake = await tempLakeDir();
  await writeMarts(lake, {
    product_freshness: PRODUCTS.map((product) => ({
      product,
      table_fqn: product.replace('.', '_db.'),
      domain: 'sales',
      account_id: '311111111111',
      max_lag_hours: 26,
      lag_hours: 80,
      status: 'breached',
    })),
  });
  const config = join(lake, 'meshwatch.config.yaml');
  await writeFile(config, `${BASE_CONFIG}lake: ${lake}\nalerts:\n  destinations:\n${destinationsYaml}`);
  // The hand-written marts are current for this config, as a transform would record them (a
  // config the test means to be invalid is left for the CLI to refuse).
  const loaded = await loadConfig(config).catch(() => undefined);
  if (loaded) await markMartsCurrent(createContext(loaded));
  return { lake, config };
}

async function readState(lake: string): Promise<AlertState> {
  return JSON.parse(await readFile(join(lake, '_state/alerts/state.json'), 'utf8')) as AlertState;
}

/** Every text file the run left under the lake (state, outbox, notification logs), DuckDB aside. */
async function lakeText(lake: string): Promise<string> {
  const entries = await readdir(lake, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() && !/\.(duckdb|wal|parquet)$/.test(entry.name));
  const texts = await Promise.all(files.map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')));
  return texts.join('\n');
}

describe('meshwatch alerts run: delivery', () => {
  it('exits 1 when no destination accepted a notification (a 307 to another host, a 302), keeps the outbox, shows no secret', async () => {
    const elsewhere = await receiver((response) => response.writeHead(200).end('ok'));
    const crossOrigin = await receiver((response) =>
      response.writeHead(307, { location: `http://${elsewhere.host}/steal` }).end(),
    );
    const found = await receiver((response) => response.writeHead(302, { location: '/landing' }).end());
    const { lake, config } = await setUp(
      '    - { type: webhook, name: moved, url_env: TEST_HOOK_MOVED }\n    - { type: slack, name: found, url_env: TEST_HOOK_FOUND }\n',
    );

    const run = await meshwatch(['--config', config, 'alerts', 'run'], {
      TEST_HOOK_MOVED: secretUrl(crossOrigin.host),
      TEST_HOOK_FOUND: secretUrl(found.host),
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no destination accepted a notification: 0 of 6 delivery(ies) made; 6 pending for the next run');
    expect(run.stderr).toContain('HTTP 307 redirect to');
    expect(run.stderr).toContain('HTTP 302 redirect to');
    expect(elsewhere.requests).toEqual([]);
    // One attempt each: a destination that held the first notification is not tried again this run.
    expect(found.requests).toEqual(['POST /services/T0SECRETA/B0SECRETB/tokenSECRETc?token=qsSECRETd']);

    const state = await readState(lake);
    expect(state.outbox.map((notification) => notification.resource).sort()).toEqual([...PRODUCTS].sort());
    const deliveries = state.outbox.flatMap((notification) => Object.values(notification.deliveries));
    expect(deliveries.every((delivery) => delivery.state === 'pending')).toBe(true);
    expect(
      state.outbox
        .flatMap((n) =>
          Object.entries(n.deliveries).flatMap(([name, d]) => ('last_status' in d ? [`${name} ${d.last_status}`] : [])),
        )
        .sort(),
    ).toEqual(['found 302', 'moved 307']);

    const everything = `${run.stdout}\n${run.stderr}\n${await lakeText(lake)}`;
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });

  const partialYaml = '    - { type: stdout }\n    - { type: webhook, name: hook, url_env: TEST_HOOK, max_attempts: 1 }\n';

  it('warns with counts and exits 0 on a partial delivery, and exits 1 when a later run delivers nothing', async () => {
    const broken = await receiver((response) => response.writeHead(500).end('down'));
    const env = { TEST_HOOK: secretUrl(broken.host) };
    const { config } = await setUp(partialYaml);

    const partial = await meshwatch(['--config', config, 'alerts', 'run'], env);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('[ALERT] HIGH Data product past its freshness SLA: sales.orders');
    expect(partial.stderr).toContain(
      'warning: alerts: partial delivery: 3 of 6 delivery(ies) made; 3 pending for the next run, 0 given up',
    );

    const retried = await meshwatch(['--config', config, 'alerts', 'run'], env);
    expect(retried.code).toBe(1);
    expect(retried.stderr).toContain('no destination accepted a notification: 0 of 3 delivery(ies) made');
    for (const output of [partial, retried]) {
      for (const secret of SECRETS) expect(`${output.stdout}${output.stderr}`).not.toContain(secret);
    }
  });

  it('exits 1 on a partial delivery with --strict', async () => {
    const broken = await receiver((response) => response.writeHead(500).end('down'));
    const { config } = await setUp(partialYaml);
    const strict = await meshwatch(['--config', config, 'alerts', 'run', '--strict'], { TEST_HOOK: secretUrl(broken.host) });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('partial delivery (--strict): 3 of 6 delivery(ies) made');
    for (const secret of SECRETS) expect(`${strict.stdout}${strict.stderr}`).not.toContain(secret);
  });

  it('does not echo a webhook URL put into url_env in the configuration error', async () => {
    const { config } = await setUp(`    - { type: webhook, url_env: "${secretUrl('hooks.example.com')}" }\n`);
    const result = await meshwatch(['--config', config, 'alerts', 'run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('alerts.destinations[0].url_env: must be the NAME of an environment variable');
    for (const secret of [...SECRETS, 'alice']) expect(result.stderr).not.toContain(secret);
  });
});

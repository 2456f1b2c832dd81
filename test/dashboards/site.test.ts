import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSite, serveSite } from '../../dashboards/serve.js';
import { listFiles } from '../../lib/lake/atomic.js';
import { openDatabase, quoteLiteral, type Row } from '../../lib/lake/duckdb.js';
import { chromiumPath, launchChromium, numberIn, textOf, visit } from './browser.js';
import { FIXTURE_ALERTS, markFixtureMartsCurrent, writeFixtureAlerts, writeFixtureLake } from './fixture-lake.js';
import { foreignReferences } from './origins.js';

const NOW = '2026-10-31T00:00:00Z';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'meshwatch.js');

/** `unshare -rn` gives the build a network namespace with no interface but loopback. */
const CAN_CUT_NETWORK = spawnSync('unshare', ['-rn', 'true']).status === 0;
if (!CAN_CUT_NETWORK) {
  console.warn(
    'dashboards: `unshare -rn` is not permitted here: the fixture site is built WITH network access; the offline check is SKIPPED',
  );
}

/** Runs `meshwatch dashboards build` as a user would, inside `unshare -rn` when possible. */
function buildThroughCli(lake: string, config: string): Promise<{ code: number; stderr: string }> {
  const args = [BIN, '--config', config, '--lake', lake, 'dashboards', 'build', '--no-transform'];
  const [command, commandArgs] = CAN_CUT_NETWORK ? ['unshare', ['-rn', process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve) => {
    execFile(command as string, commandArgs as string[], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

if (!chromiumPath()) {
  console.warn('dashboards: Chromium not found at /usr/bin/chromium: the browser checks are SKIPPED (apt-get install chromium)');
}
/** A build takes well under a minute alone; on the shared 2-core CI machine it can take several. */
const BUILD_TIMEOUT_MS = 420_000;
const CONFIG = `organization: { id: o-n1mbusc4rt }\nnow: ${NOW}\n`;

/** Asks the fixture marts directly (read_parquet), independently of the dashboards' loaders. */
async function martRows(lake: string, mart: string, sql: string): Promise<Row[]> {
  const db = await openDatabase(':memory:');
  try {
    await db.run(`create view ${mart} as select * from read_parquet(${quoteLiteral(join(lake, 'marts', mart, '*.parquet'))})`);
    return await db.all(sql);
  } finally {
    db.close();
  }
}

async function martValue(lake: string, mart: string, sql: string): Promise<number> {
  const [row] = await martRows(lake, mart, sql);
  return Number(row?.value);
}

describe('meshwatch dashboards build (fixture marts)', () => {
  let lake: string;
  let build: { code: number; stderr: string };
  let site: RunningSite;
  let browser: Browser | undefined;

  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'meshwatch-dashboards-'));
    await writeFixtureLake(lake);
    await writeFixtureAlerts(lake);
    await writeFile(join(lake, 'config.yaml'), CONFIG);
    await markFixtureMartsCurrent(lake, join(lake, 'config.yaml'));
    build = await buildThroughCli(lake, join(lake, 'config.yaml'));
    if (chromiumPath()) browser = await launchChromium();
    site = await serveSite(join(lake, 'site'));
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (lake) await rm(lake, { recursive: true, force: true });
  });

  it.skipIf(!CAN_CUT_NETWORK)('builds with the network cut off', () => {
    expect(build.stderr).not.toMatch(/ENOTFOUND|EAI_AGAIN|fetch failed/);
    expect(build.code).toBe(0);
  });

  it('writes a page per audience, a health page per product domain and a page per runbook', async () => {
    const pages = (await listFiles(join(lake, 'site')))
      .filter((file) => file.endsWith('.html'))
      .map((file) => file.slice(join(lake, 'site').length + 1));

    expect(pages).toEqual(
      expect.arrayContaining([
        'index.html',
        'security.html',
        'finance.html',
        'health.html',
        'health/sales.html',
        'health/marketing.html',
        'governance.html',
        'oncall.html',
        'runbooks/pii_new_reader.html',
        '404.html',
      ]),
    );
    expect(build.stderr).toContain(`${pages.length} pages in ${join(lake, 'site')}`);
    expect(build.stderr).not.toMatch(/^warning: /m);
  });

  it('leaves no build folder behind in the lake', async () => {
    expect(await listFiles(join(lake, '_tmp'))).toEqual([]);
  });

  it('references no other origin than its own (XML namespace names aside)', async () => {
    const references = await foreignReferences(join(lake, 'site'));

    expect(references).toEqual([]);
  });

  it('offers the FOCUS CSV of the chargeback_focus mart for download', async () => {
    const [file] = (await listFiles(join(lake, 'site', '_file', 'data'))).filter((name) => /focus\.[0-9a-f]+\.csv$/.test(name));
    const lines = (await readFile(file as string, 'utf8')).trim().split('\n');

    expect(lines[0]).toContain('BilledCost');
    expect(lines.length - 1).toBe(await martValue(lake, 'chargeback_focus', 'select count(*) as value from chargeback_focus'));
  });

  describe.skipIf(!chromiumPath())('in Chromium', () => {
    async function open(path: string, name: string) {
      const visited = await visit(browser as Browser, new URL(path, site.url).href, `fixture-${name}`);
      expect(visited.failedRequests).toEqual([]);
      expect(visited.consoleErrors).toEqual([]);
      expect(visited.foreignRequests).toEqual([]);
      return visited.page;
    }

    it('shows the overview with the lake it was built from', async () => {
      const page = await open('/', 'index');

      expect(await textOf(page, 'lake-path')).toBe(lake);
      expect(await textOf(page, 'as-of')).toBe('2026-10-31 00:00 UTC');
      expect(numberIn(await textOf(page, 'mart-rows-pii_access_history'))).toBe(
        await martValue(lake, 'pii_access_history', 'select count(*) as value from pii_access_history'),
      );
    });

    it('shows the PII read counts of the pii_access_history and data_access marts', async () => {
      const page = await open('/security', 'security');

      expect(numberIn(await textOf(page, 'pii-read-count'))).toBe(
        await martValue(lake, 'pii_access_history', "select count(*) as value from pii_access_history where outcome = 'allowed'"),
      );
      expect(numberIn(await textOf(page, 'pii-new-reader-count'))).toBe(
        await martValue(
          lake,
          'pii_access_history',
          `select count(*) as value from pii_access_history where is_new_reader and outcome = 'allowed'
           and event_time >= timestamp '${NOW}' - interval 7 day`,
        ),
      );
      expect(numberIn(await textOf(page, 'pii-bypass-count'))).toBe(
        await martValue(
          lake,
          'pii_access_history',
          "select count(*) as value from pii_access_history where grant_path = 'iam_allowed_principals' and outcome = 'allowed'",
        ),
      );
      expect(numberIn(await textOf(page, 'denied-count'))).toBe(
        await martValue(lake, 'data_access', "select count(*) as value from data_access where outcome = 'denied'"),
      );
      expect(numberIn(await textOf(page, 'picked-table-count'))).toBeGreaterThan(0);
    });

    it("shows each domain's total for the latest month as in domain_chargeback", async () => {
      const page = await open('/finance', 'finance');

      for (const domain of ['sales', 'analytics', 'marketing']) {
        const expected = await martValue(
          lake,
          'domain_chargeback',
          `select total_usd as value from domain_chargeback where domain = '${domain}' and month = (select max(month) from domain_chargeback)`,
        );
        expect(numberIn(await textOf(page, `total-${domain}`))).toBeCloseTo(expected, 2);
      }
      expect(numberIn(await textOf(page, 'month-total'))).toBeCloseTo(
        await martValue(
          lake,
          'domain_chargeback',
          'select sum(total_usd) as value from domain_chargeback where month = (select max(month) from domain_chargeback)',
        ),
        2,
      );
      expect(await page.getByTestId('focus-download').getAttribute('href')).toMatch(/focus\.[0-9a-f]+\.csv$/);
      const [costliest] = await martRows(
        lake,
        'athena_query_costs',
        'select query_id, cost_usd from athena_query_costs order by cost_usd desc, query_id limit 1',
      );
      expect(numberIn(await textOf(page, `query-cost-${costliest?.query_id}`))).toBeCloseTo(Number(costliest?.cost_usd), 2);
    });

    it('shows every data product with its freshness status', async () => {
      const page = await open('/health', 'health');

      expect(numberIn(await textOf(page, 'product-count'))).toBe(
        await martValue(lake, 'product_freshness', 'select count(*) as value from product_freshness'),
      );
      expect(await textOf(page, 'status-sales-customers')).toBe('breached');
      expect(await textOf(page, 'status-marketing-leads')).toBe('late');
    });

    it("shows only the domain's products on its page", async () => {
      const page = await open('/health/sales', 'health-sales');

      expect(await textOf(page, 'domain-name')).toBe('sales');
      expect(numberIn(await textOf(page, 'product-count'))).toBe(
        await martValue(lake, 'product_freshness', "select count(*) as value from product_freshness where domain = 'sales'"),
      );
      expect(await page.getByTestId('product-marketing-leads').count()).toBe(0);
    });

    it('shows the drift items by severity as in grant_drift', async () => {
      const page = await open('/governance', 'governance');

      expect(numberIn(await textOf(page, 'drift-count'))).toBe(
        await martValue(lake, 'grant_drift', 'select count(*) as value from grant_drift'),
      );
      expect(numberIn(await textOf(page, 'drift-critical'))).toBe(
        await martValue(lake, 'grant_drift', "select count(*) as value from grant_drift where severity = 'critical'"),
      );
      expect(numberIn(await textOf(page, 'unused-count'))).toBe(
        await martValue(lake, 'grant_drift', "select count(*) as value from grant_drift where kind = 'unused'"),
      );
    });

    it('shows open alerts with runbook links that open, and the coverage gaps', async () => {
      const page = await open('/oncall', 'oncall');

      expect(numberIn(await textOf(page, 'open-alert-count'))).toBe(
        FIXTURE_ALERTS.instances.filter((instance) => instance.status === 'open').length,
      );
      expect(numberIn(await textOf(page, 'coverage-gap-count'))).toBe(
        await martValue(lake, 'cloudtrail_coverage', 'select count(*) as value from cloudtrail_coverage where is_gap'),
      );
      const runbook = await page.getByTestId('runbook-link').first().getAttribute('href');
      const response = await page.request.get(new URL(runbook as string, new URL('/oncall', site.url)).href);
      expect(response.status()).toBe(200);
      expect(await response.text()).toContain('How to confirm');
    });
  });
});

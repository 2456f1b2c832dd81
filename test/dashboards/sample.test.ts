/**
 * The dashboards built from the sample organisation after the real pipeline (collect + transform,
 * shared with the report tests through test/reports/sample-lake.ts), opened page by page in
 * Chromium: no errors, nothing fetched from elsewhere, and the key numbers equal the marts'.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.js';
import { type RunningSite, serveSite } from '../../dashboards/serve.js';
import { loadConfig } from '../../lib/config/load.js';
import { createContext } from '../../lib/context.js';
import { openDatabase, quoteLiteral, type Row } from '../../lib/lake/duckdb.js';
import { createLogger } from '../../lib/log.js';
import { sampleLake } from '../reports/sample-lake.js';
import { chromiumPath, launchChromium, numberIn, textOf, visit } from './browser.js';
import { foreignReferences } from './origins.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Reads the published marts (Parquet) directly: the expected values, independent of the loaders. */
async function martRows(lake: string, mart: string, sql: string): Promise<Row[]> {
  const db = await openDatabase(':memory:');
  try {
    await db.run(`create view ${mart} as select * from read_parquet(${quoteLiteral(join(lake, 'marts', mart, '*.parquet'))})`);
    return await db.all(sql);
  } finally {
    db.close();
  }
}

describe.skipIf(!chromiumPath())('dashboards on the sample organisation (Chromium)', () => {
  let lake: string;
  let site: RunningSite;
  let browser: Browser;

  beforeAll(async () => {
    lake = process.env.MESHWATCH_DASHBOARDS_LAKE ?? (await sampleLake());
    const config = await loadConfig(join(ROOT, 'meshwatch.config.yaml'), { lake });
    // The marts were just built by the shared sample run; other test files read them meanwhile.
    await buildDashboards(createContext(config, createLogger('quiet')), { ensureMarts: false });
    site = await serveSite(join(lake, 'site'));
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function open(path: string, readySelector?: string): Promise<Page> {
    const visited = await visit(browser, new URL(path, site.url).href, `sample-${slug(path) || 'index'}`, readySelector);
    expect(visited.failedRequests).toEqual([]);
    expect(visited.consoleErrors).toEqual([]);
    expect(visited.foreignRequests).toEqual([]);
    return visited.page;
  }

  it('builds a site that references no other origin', async () => {
    expect(await foreignReferences(join(lake, 'site'))).toEqual([]);
  });

  it('shows the PII reads and denied attempts of the marts', async () => {
    const [reads] = await martRows(
      lake,
      'pii_access_history',
      "select count(*) as n from pii_access_history where outcome = 'allowed'",
    );
    const [denied] = await martRows(lake, 'data_access', "select count(*) as n from data_access where outcome = 'denied'");

    const page = await open('/security');

    expect(numberIn(await textOf(page, 'pii-read-count'))).toBe(reads?.n);
    expect(numberIn(await textOf(page, 'denied-count'))).toBe(denied?.n);
  });

  it("shows each domain's total of the latest month", async () => {
    const expected = await martRows(
      lake,
      'domain_chargeback',
      'select domain, total_usd from domain_chargeback where month = (select max(month) from domain_chargeback) order by domain',
    );
    expect(expected.length).toBeGreaterThan(0);

    const page = await open('/finance');

    for (const row of expected) {
      expect(numberIn(await textOf(page, `total-${row.domain}`))).toBeCloseTo(Number(row.total_usd), 2);
    }
    expect(numberIn(await textOf(page, 'month-total'))).toBeCloseTo(
      expected.reduce((sum, row) => sum + Number(row.total_usd), 0),
      2,
    );
  });

  it('shows every data product with the status of product_freshness, and a page per domain', async () => {
    const products = await martRows(
      lake,
      'product_freshness',
      'select product, domain, status from product_freshness order by product',
    );
    expect(products.length).toBeGreaterThan(0);

    const page = await open('/health');

    expect(numberIn(await textOf(page, 'product-count'))).toBe(products.length);
    for (const product of products) {
      expect(await textOf(page, `status-${slug(String(product.product))}`)).toBe(product.status);
    }
    for (const domain of new Set(products.map((product) => String(product.domain)))) {
      const domainPage = await open(`/health/${domain}`);
      expect(numberIn(await textOf(domainPage, 'product-count'))).toBe(
        products.filter((product) => product.domain === domain).length,
      );
    }
  });

  it('shows the drift items per severity of grant_drift', async () => {
    const counts = await martRows(lake, 'grant_drift', 'select severity, count(*) as n from grant_drift group by severity');

    const page = await open('/governance');

    expect(numberIn(await textOf(page, 'drift-count'))).toBe(counts.reduce((sum, row) => sum + Number(row.n), 0));
    for (const severity of SEVERITIES) {
      expect(numberIn(await textOf(page, `drift-${severity}`))).toBe(
        Number(counts.find((row) => row.severity === severity)?.n ?? 0),
      );
    }
  });

  it('shows the CloudTrail coverage gaps of cloudtrail_coverage', async () => {
    const [gaps] = await martRows(lake, 'cloudtrail_coverage', 'select count(*) as n from cloudtrail_coverage where is_gap');

    const page = await open('/oncall');

    expect(numberIn(await textOf(page, 'coverage-gap-count'))).toBe(gaps?.n);
  });

  it('opens the overview and a runbook page', async () => {
    const page = await open('/');
    expect(await textOf(page, 'lake-path')).toBe(lake);
    const runbook = await open('/runbooks/pii_new_reader', 'main h1');
    expect(await runbook.locator('main h1').first().textContent()).toContain('pii_new_reader');
  });
});

if (!chromiumPath()) {
  console.warn(
    'dashboards: Chromium not found at /usr/bin/chromium: the sample dashboards checks are SKIPPED (apt-get install chromium)',
  );
}

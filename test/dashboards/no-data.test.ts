import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.js';
import { type RunningSite, serveSite } from '../../dashboards/serve.js';
import { parseConfig } from '../../lib/config/load.js';
import { createContext, type StageResult } from '../../lib/context.js';
import { listFiles } from '../../lib/lake/atomic.js';
import { createLogger } from '../../lib/log.js';
import { chromiumPath, launchChromium, visit } from './browser.js';
import { writeFixtureLake } from './fixture-lake.js';

/** A build takes well under a minute alone; on the shared 2-core CI machine it can take several. */
const BUILD_TIMEOUT_MS = 420_000;
const CONFIG = 'organization: { id: o-n1mbusc4rt }\nnow: 2026-10-31T00:00:00Z\n';

/** Which "no data yet" note each page must show when only product_freshness is built. */
const EXPECTED_NOTES: readonly [string, readonly string[]][] = [
  ['/security', ['no-data-pii', 'no-data-denied']],
  ['/finance', ['no-data-chargeback', 'no-data-matrix', 'no-data-queries', 'no-data-focus']],
  ['/health', ['no-data-breaches']],
  ['/governance', ['no-data-drift', 'no-data-tag-coverage']],
  ['/oncall', ['no-data-alerts', 'no-data-coverage']],
];

describe('buildDashboards (a lake with one mart and no alert state)', () => {
  let lake: string;
  let result: StageResult;
  let site: RunningSite;
  let browser: Browser | undefined;

  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'meshwatch-dashboards-empty-'));
    await writeFixtureLake(lake, ['product_freshness']);
    const ctx = createContext(parseConfig(CONFIG, join(lake, 'config.yaml'), { lake }), createLogger('quiet'));
    result = await buildDashboards(ctx, { ensureMarts: false });
    if (chromiumPath()) browser = await launchChromium();
    site = await serveSite(ctx.layout.siteDir);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (lake) await rm(lake, { recursive: true, force: true });
  });

  it('still builds every page', async () => {
    const pages = (await listFiles(join(lake, 'site'))).filter((file) => file.endsWith('.html'));

    expect(pages.map((file) => file.slice(lake.length + 6))).toEqual(
      expect.arrayContaining(['security.html', 'finance.html', 'health.html', 'governance.html', 'oncall.html']),
    );
    expect(result.outputs).toEqual([{ name: 'site (pages)', rows: pages.length, path: join(lake, 'site', 'index.html') }]);
    expect(result.warnings).toBe(0);
  });

  describe.skipIf(!chromiumPath())('in Chromium', () => {
    it.each(EXPECTED_NOTES)('%s says "no data yet" for each missing mart, without errors', async (path, notes) => {
      const visited = await visit(browser as Browser, new URL(path, site.url).href, `no-data-${path.slice(1)}`);

      expect(visited.failedRequests).toEqual([]);
      expect(visited.consoleErrors).toEqual([]);
      for (const note of notes) {
        await expect(visited.page.getByTestId(note).textContent()).resolves.toContain('No data yet');
      }
    });
  });
});

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.js';
import { DashboardError } from '../../dashboards/framework.js';
import { parseConfig } from '../../lib/config/load.js';
import { createContext } from '../../lib/context.js';
import { createLogger } from '../../lib/log.js';
import { writeFixtureLake } from './fixture-lake.js';

describe('buildDashboards (an unreadable mart)', () => {
  let lake: string;

  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'meshwatch-dashboards-corrupt-'));
    await writeFixtureLake(lake, ['product_freshness', 'grant_drift']);
    await writeFile(join(lake, 'marts', 'grant_drift', 'grant_drift.parquet'), 'not parquet');
  });

  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('fails with a DashboardError that names the mart, and keeps no half-built site', async () => {
    const ctx = createContext(
      parseConfig('organization: { id: o-n1mbusc4rt }\n', join(lake, 'config.yaml'), { lake }),
      createLogger('quiet'),
    );

    const failure = await buildDashboards(ctx, { ensureMarts: false }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DashboardError);
    expect(String((failure as DashboardError).cause)).toContain('the grant_drift mart cannot be read');
    expect(await readdir(lake)).not.toContain('site');
    expect(await readdir(join(lake, '_tmp'))).toEqual([]);
  }, 420_000);
});

import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../../ingest/index.js';
import { loadConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { listDatasets } from '../../../lib/lake/views.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { makeTempDir } from '../../fake-aws/fixtures.js';
import { REPO_SAMPLE_DIR } from '../../fake-aws/index.js';
import { type MiniOrg, miniOrgConfig, testContext, writeMiniOrg } from './mini-org.js';

const API_SOURCES = ['organizations', 'lakeformation', 'glue', 'athena', 'cost_explorer'];
const API_DATASETS = [
  'athena_queries',
  'athena_workgroups',
  'collection_errors',
  'cost_daily',
  'glue_databases',
  'glue_partitions',
  'glue_tables',
  'lf_permissions',
  'lf_resource_tags',
  'lf_settings',
  'lf_tags',
  'org_accounts',
];

describe('file mode (aws.mode: file)', () => {
  let org: MiniOrg;

  beforeAll(async () => {
    org = await writeMiniOrg();
  });

  afterAll(async () => {
    await org.cleanup();
  });

  it('answers every collector in-process from the recorded responses and writes every dataset', async () => {
    // Prepare
    const ctx = testContext(miniOrgConfig({ lake: org.lake, snapshots: join(org.sampleDir, 'api') }));
    // Act
    const results = await collect(ctx, { only: API_SOURCES });
    // Assess
    const datasets = (await listDatasets(ctx.layout)).map((dataset) => dataset.name);
    expect(datasets).toEqual(expect.arrayContaining(API_DATASETS));
    expect(results.every((result) => result.warnings === 0)).toBe(true);
    const db = await ctx.openLakeDatabase();
    const [counts] = await db.all(
      `SELECT (SELECT count(*) FROM lf_permissions) AS grants, (SELECT count(*) FROM athena_queries) AS queries,
              (SELECT count(*) FROM cost_daily) AS costs, (SELECT count(*) FROM collection_errors) AS errors`,
    );
    db.close();
    expect(counts).toEqual({ grants: 5, queries: 5, costs: 240, errors: 0 });
  });

  const sampleApi = join(REPO_SAMPLE_DIR, 'api', 'manifest.json');
  it.skipIf(!existsSync(sampleApi))(
    'collects the whole NimbusCart sample, and a second run makes no paid request for final days',
    async () => {
      const lake = await makeTempDir('sample-lake');
      try {
        const config = await loadConfig(join(REPO_SAMPLE_DIR, '..', 'meshwatch.config.yaml'), { lake });
        const logger = createMemoryLogger('normal');
        const ctx = createContext(config, logger);
        const first = await collect(ctx, { only: API_SOURCES });
        const second = await collect(ctx, { only: API_SOURCES });
        const datasets = (await listDatasets(ctx.layout)).map((dataset) => dataset.name);
        expect(datasets).toEqual(expect.arrayContaining(API_DATASETS));
        expect(first.every((result) => result.warnings === 0)).toBe(true);
        const paid = (results: typeof first) =>
          Number(/cost_explorer: (\d+) paid requests/.exec(results.flatMap((result) => result.notes).join('\n'))?.[1]);
        // Only the refresh window (estimated and recent days) is asked again: one page per grouping.
        expect(paid(second)).toBeLessThan(paid(first));
        expect(paid(second)).toBe(2);
      } finally {
        await rm(lake, { recursive: true, force: true });
      }
    },
  );
  if (!existsSync(sampleApi)) console.warn(`file-mode sample test skipped: ${sampleApi} not generated yet (npm run sample)`);
});

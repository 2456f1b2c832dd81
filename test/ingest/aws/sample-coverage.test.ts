import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAthenaCollector } from '../../../ingest/athena/collector.js';
import { type ManifestEntry, openSampleApiStore } from '../../../ingest/aws/sample-api/manifest.js';
import { deepEqual } from '../../../ingest/aws/sample-api/router.js';
import { createCostExplorerCollector } from '../../../ingest/cost-explorer/collector.js';
import { createGlueCollector } from '../../../ingest/glue/collector.js';
import { createLakeFormationCollector } from '../../../ingest/lakeformation/collector.js';
import { createOrganizationsCollector } from '../../../ingest/organizations/collector.js';
import { loadConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { makeTempDir } from '../../fake-aws/fixtures.js';
import { type FakeAws, REPO_SAMPLE_DIR, type RecordedRequest, startFakeAws } from '../../fake-aws/index.js';
import { fakeDependencies } from './mini-org.js';

const manifest = join(REPO_SAMPLE_DIR, 'api', 'manifest.json');

function served(entry: ManifestEntry, requests: readonly RecordedRequest[]): boolean {
  return requests.some(
    (request) =>
      request.service === entry.service &&
      request.operation === entry.operation &&
      request.account === entry.account &&
      request.region === entry.region &&
      Object.entries(entry.request).every(([key, value]) => key === 'TimePeriod' || deepEqual(value, request.params[key])),
  );
}

describe.skipIf(!existsSync(manifest))('API collectors on the NimbusCart sample, live mode over HTTP', () => {
  let fake: FakeAws;
  let lake: string;

  beforeAll(async () => {
    fake = await startFakeAws();
    lake = await makeTempDir('sample-live');
  });

  afterAll(async () => {
    await fake.close();
    await rm(lake, { recursive: true, force: true });
  });

  it('asks for every recorded response of the sample (no dataset misses data the sample holds)', async () => {
    // Prepare
    const loaded = await loadConfig(join(REPO_SAMPLE_DIR, '..', 'meshwatch.config.yaml'), { lake });
    const config = { ...loaded, aws: { ...loaded.aws, mode: 'live' as const, endpoint: fake.endpoint, max_attempts: 3 } };
    const ctx = createContext(config, createMemoryLogger('quiet'));
    const collectors = [
      createOrganizationsCollector(fakeDependencies),
      createLakeFormationCollector(fakeDependencies),
      createGlueCollector(fakeDependencies),
      createAthenaCollector(fakeDependencies),
      createCostExplorerCollector(fakeDependencies),
    ];
    // Act
    const results = [];
    for (const collector of collectors) results.push(await collector.collect(ctx, {}));
    // Assess
    const store = await openSampleApiStore(join(REPO_SAMPLE_DIR, 'api'));
    const missed = store.entries
      .filter((entry) => !served(entry, fake.requests))
      .map((entry) => `${entry.service} ${entry.operation} ${entry.account} ${entry.region} ${JSON.stringify(entry.request)}`);
    expect(missed).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.warnings, 0)).toBe(0);
    expect(fake.requests.filter((request) => request.status !== 200)).toEqual([]);
  });
});

if (!existsSync(manifest)) console.warn(`sample coverage test skipped: ${manifest} not generated yet (npm run sample)`);

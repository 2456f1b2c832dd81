import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAthenaCollector } from '../../../ingest/athena/collector.js';
import { MANAGEMENT_ACCOUNT_ACTIONS, MEMBER_ACCOUNT_ACTIONS, PIPELINE_ACTIONS } from '../../../ingest/aws/permissions.js';
import { createCostExplorerCollector } from '../../../ingest/cost-explorer/collector.js';
import { createGlueCollector } from '../../../ingest/glue/collector.js';
import { createLakeFormationCollector } from '../../../ingest/lakeformation/collector.js';
import { createOrganizationsCollector } from '../../../ingest/organizations/collector.js';
import type { SourceCollector } from '../../../ingest/source.js';
import type { RunContext } from '../../../lib/context.js';
import { makeTempDir } from '../../fake-aws/fixtures.js';
import { type FakeAws, startFakeAws } from '../../fake-aws/index.js';
import {
  CONSUMER,
  fakeDependencies,
  GOVERNANCE,
  MANAGEMENT,
  type MiniOrg,
  miniOrgConfig,
  PRODUCER,
  testContext,
  writeMiniOrg,
} from './mini-org.js';

const allCollectors = (): SourceCollector[] => [
  createOrganizationsCollector(fakeDependencies),
  createLakeFormationCollector(fakeDependencies),
  createGlueCollector(fakeDependencies),
  createAthenaCollector(fakeDependencies),
  createCostExplorerCollector(fakeDependencies),
];

/** IAM action prefix of each SDK service the fake records. */
const IAM_PREFIX: Record<string, string> = {
  lakeformation: 'lakeformation',
  glue: 'glue',
  athena: 'athena',
  'cost-explorer': 'ce',
  organizations: 'organizations',
  cloudtrail: 'cloudtrail',
  sts: 'sts',
};

async function tableContents(ctx: RunContext, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const db = await ctx.openLakeDatabase();
  const contents: Record<string, unknown[]> = {};
  for (const table of tables) {
    contents[table] = await db.all(`SELECT * FROM ${table} ORDER BY ALL`);
  }
  db.close();
  return contents;
}

describe('API collectors over the fake AWS service', () => {
  let org: MiniOrg;
  let fake: FakeAws;
  const lakes: string[] = [];

  beforeAll(async () => {
    org = await writeMiniOrg();
    fake = await startFakeAws({ sampleDir: org.sampleDir });
  });

  beforeEach(() => fake.reset());

  afterAll(async () => {
    await fake.close();
    await org.cleanup();
    for (const lake of lakes) await rm(lake, { recursive: true, force: true });
  });

  async function freshLake(): Promise<string> {
    const lake = await makeTempDir('lake');
    lakes.push(lake);
    return lake;
  }

  it('assumes the configured role once per account, and only in the accounts each source reads', async () => {
    // Prepare
    const ctx = testContext(miniOrgConfig({ lake: await freshLake(), endpoint: fake.endpoint, roleName: 'AuditReader' }));
    // Act
    for (const collector of allCollectors()) await collector.collect(ctx, {});
    // Assess
    const assumed = fake.requestsFor('AssumeRole').map((request) => request.params.RoleArn);
    // One AssumeRole per account per collector run, shared by every client of that account:
    // organizations and cost_explorer read the management account, lakeformation and glue the
    // producer and governance accounts, glue also the consumer (resource links), athena the consumer.
    const expected = [MANAGEMENT, MANAGEMENT, GOVERNANCE, GOVERNANCE, PRODUCER, PRODUCER, CONSUMER, CONSUMER].map(
      (account) => `arn:aws:iam::${account}:role/AuditReader`,
    );
    expect([...assumed].sort()).toEqual(expected.sort());
    expect(fake.requestsFor('AssumeRole').every((request) => request.params.RoleSessionName === 'meshwatch-collector')).toBe(
      true,
    );
    expect(new Set(fake.requests.filter((request) => request.service === 'athena').map((request) => request.account))).toEqual(
      new Set([CONSUMER]),
    );
    expect(
      new Set(fake.requests.filter((request) => request.service === 'lakeformation').map((request) => request.account)),
    ).toEqual(new Set([PRODUCER, GOVERNANCE]));
  });

  it('sends only commands whose IAM action is listed in ingest/aws/permissions.ts', async () => {
    const ctx = testContext(miniOrgConfig({ lake: await freshLake(), endpoint: fake.endpoint }));
    for (const collector of allCollectors()) await collector.collect(ctx, {});
    const listed = new Set<string>([
      ...Object.values(MEMBER_ACCOUNT_ACTIONS).flat(),
      ...Object.values(MANAGEMENT_ACCOUNT_ACTIONS).flat(),
      ...Object.values(PIPELINE_ACTIONS).flat(),
    ]);
    const sent = new Set(
      fake.requests.map((request) => `${IAM_PREFIX[request.service] ?? request.service}:${request.operation}`),
    );
    const missing = [...sent].filter((action) => !listed.has(action));
    expect(sent.size).toBeGreaterThanOrEqual(13);
    expect(sent.has('sts:AssumeRole')).toBe(true);
    expect(missing).toEqual([]);
  });

  it('retries throttled and failing calls and writes exactly what an undisturbed run writes', async () => {
    // Prepare
    const calm = testContext(miniOrgConfig({ lake: await freshLake(), endpoint: fake.endpoint }));
    const stormy = testContext(miniOrgConfig({ lake: await freshLake(), endpoint: fake.endpoint }));
    await createLakeFormationCollector(fakeDependencies).collect(calm, {});
    fake.reset();
    fake.inject({ operation: 'ListPermissions', kind: 'throttle', count: 2 });
    fake.inject({ operation: 'GetResourceLFTags', kind: 'server-error', count: 1 });
    fake.inject({ operation: 'AssumeRole', kind: 'throttle', count: 1 });
    // Act
    const result = await createLakeFormationCollector(fakeDependencies).collect(stormy, {});
    // Assess
    const tables = ['lf_permissions', 'lf_settings', 'lf_tags', 'lf_resource_tags'];
    const faulted = fake.requests
      .filter((request) => request.fault)
      .map((request) => request.operation)
      .sort();
    expect(faulted).toEqual(['AssumeRole', 'GetResourceLFTags', 'ListPermissions', 'ListPermissions']);
    expect(result.warnings).toBe(0);
    expect(await tableContents(stormy, tables)).toEqual(await tableContents(calm, tables));
  });

  it('records a failing account in collection_errors, warns, and still collects the others', async () => {
    // Prepare: a first, complete run; then the producer denies everything.
    const ctx = testContext(miniOrgConfig({ lake: await freshLake(), endpoint: fake.endpoint }));
    await createLakeFormationCollector(fakeDependencies).collect(ctx, {});
    fake.inject({ kind: 'access-denied', account: PRODUCER, operation: 'ListPermissions', count: Number.POSITIVE_INFINITY });
    // Act
    const result = await createLakeFormationCollector(fakeDependencies).collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const errors = await db.all('SELECT source, account_id, region, operation, error_name, message FROM collection_errors');
    const accounts = await db.all('SELECT account_id, count(*) AS grants FROM lf_permissions GROUP BY ALL ORDER BY ALL');
    db.close();
    expect(errors).toEqual([
      {
        source: 'lakeformation',
        account_id: PRODUCER,
        region: 'us-east-1',
        operation: 'ListPermissions',
        error_name: 'AccessDeniedException',
        message: 'injected access-denied',
      },
    ]);
    // The governance account was collected; the producer keeps the snapshot of the earlier run.
    expect(accounts).toEqual([
      { account_id: GOVERNANCE, grants: 1 },
      { account_id: PRODUCER, grants: 4 },
    ]);
    expect(result.warnings).toBe(1);
    expect(
      ctx.lines.some((line) => line.startsWith('warning: lakeformation: account 311111111111 us-east-1 not collected')),
    ).toBe(true);
  });

  it('records an account whose role cannot be assumed as an AssumeRole failure', async () => {
    const ctx = testContext(miniOrgConfig({ lake: await freshLake(), endpoint: fake.endpoint }));
    fake.inject({ kind: 'access-denied', operation: 'AssumeRole', count: Number.POSITIVE_INFINITY });
    const result = await createOrganizationsCollector(fakeDependencies).collect(ctx, {});
    const db = await ctx.openLakeDatabase();
    const errors = await db.all('SELECT account_id, operation, error_name FROM collection_errors');
    db.close();
    expect(errors).toEqual([{ account_id: MANAGEMENT, operation: 'AssumeRole', error_name: 'AccessDenied' }]);
    expect(result.warnings).toBe(1);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsAccess } from '../../../ingest/aws/clients.js';
import { createOrganizationsCollector } from '../../../ingest/organizations/collector.js';
import { type FakeAws, startFakeAws } from '../../fake-aws/index.js';
import { MANAGEMENT, type MiniOrg, miniOrgConfig, testContext, writeMiniOrg } from './mini-org.js';

describe('createAwsAccess', () => {
  let org: MiniOrg;
  let fake: FakeAws;

  beforeAll(async () => {
    org = await writeMiniOrg();
    fake = await startFakeAws({ sampleDir: org.sampleDir });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    fake.reset();
  });

  afterAll(async () => {
    await fake.close();
    await org.cleanup();
  });

  it('takes base credentials from the default provider chain and assumes the collector role with them', async () => {
    // Prepare: credentials in the environment, as on a CI runner or a laptop.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENTKEY01');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'environment-secret');
    vi.stubEnv('AWS_PROFILE', '');
    const ctx = testContext(miniOrgConfig({ lake: org.lake, endpoint: fake.endpoint }));
    // Act: no injected credentials
    const result = await createOrganizationsCollector().collect(ctx, {});
    // Assess
    const [assume] = fake.requestsFor('AssumeRole');
    expect(assume?.accessKeyId).toBe('AKIAENVIRONMENTKEY01');
    expect(assume?.params.RoleArn).toBe(`arn:aws:iam::${MANAGEMENT}:role/MeshwatchReadOnly`);
    expect(fake.requestsFor('ListAccounts').every((request) => request.accessKeyId === `ASIAFAKE${MANAGEMENT}`)).toBe(true);
    expect(result.warnings).toBe(0);
  });

  it('sends the external id the deployed collector roles require, from the configured variable', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENTKEY01');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'environment-secret');
    vi.stubEnv('AWS_PROFILE', '');
    vi.stubEnv('MESHWATCH_EXTERNAL_ID', 'meshwatch-ext-123');
    const ctx = testContext(miniOrgConfig({ lake: org.lake, endpoint: fake.endpoint }));
    await createOrganizationsCollector().collect(ctx, {});
    const [assume] = fake.requestsFor('AssumeRole');
    expect(assume?.params.ExternalId).toBe('meshwatch-ext-123');
  });

  it('in file mode answers in-process: no request reaches any endpoint', async () => {
    const config = miniOrgConfig({ lake: org.lake, snapshots: `${org.sampleDir}/api` });
    const access = await createAwsAccess(config);
    const ctx = testContext(config);
    const result = await createOrganizationsCollector({ awsAccess: async () => access }).collect(ctx, {});
    expect(access.mode).toBe('file');
    expect(access.clientConfig(MANAGEMENT, 'us-east-1').requestHandler).toBeDefined();
    expect(result.outputs.find((output) => output.name === 'org_accounts')?.rows).toBe(4);
    expect(fake.requests).toEqual([]);
  });
});

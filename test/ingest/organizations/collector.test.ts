import { describe, expect, it } from 'vitest';
import { createOrganizationsCollector } from '../../../ingest/organizations/collector.js';
import {
  CONSUMER,
  fakeDependencies,
  GOVERNANCE,
  MANAGEMENT,
  miniOrgConfig,
  PRODUCER,
  testContext,
  useMiniOrgOnFakeAws,
} from '../aws/mini-org.js';

describe('organizations collector', () => {
  const env = useMiniOrgOnFakeAws();

  it('maps every account of every page to its domain tag, read in the management account', async () => {
    // Prepare
    const ctx = testContext(miniOrgConfig({ lake: env.org.lake, endpoint: env.fake.endpoint }));
    // Act
    await createOrganizationsCollector(fakeDependencies).collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const accounts = await db.all(
      `SELECT account_id, name, status, domain, tags->>'env' AS env, joined_at, snapshot_date::VARCHAR AS snapshot_date
       FROM org_accounts ORDER BY account_id`,
    );
    db.close();
    expect(accounts.map((account) => [account.account_id, account.domain, account.env, account.status])).toEqual([
      [MANAGEMENT, 'platform', 'prod', 'ACTIVE'],
      [GOVERNANCE, 'governance', 'prod', 'ACTIVE'],
      [PRODUCER, 'sales', 'prod', 'ACTIVE'],
      [CONSUMER, 'analytics', 'prod', 'ACTIVE'],
    ]);
    expect(accounts[0]).toMatchObject({ joined_at: new Date(1700000000 * 1000).toISOString(), snapshot_date: '2026-10-31' });
    expect(
      new Set(env.fake.requests.filter((request) => request.service === 'organizations').map((request) => request.account)),
    ).toEqual(new Set([MANAGEMENT]));
  });
});

import { describe, expect, it } from 'vitest';
import { createCostExplorerCollector } from '../../../ingest/cost-explorer/collector.js';
import { fakeDependencies, MANAGEMENT, miniOrgConfig, PRODUCER, testContext, useMiniOrgOnFakeAws } from '../aws/mini-org.js';

describe('cost_explorer collector', () => {
  const env = useMiniOrgOnFakeAws();

  it('reads every NextPageToken page of both groupings and counts the paid requests', async () => {
    // Prepare
    const ctx = testContext(miniOrgConfig({ lake: env.org.lake, endpoint: env.fake.endpoint }));
    // Act
    const result = await createCostExplorerCollector(fakeDependencies).collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const summary = await db.all(
      `SELECT grouping, count(*) AS rows, min(day)::VARCHAR AS first_day, max(day)::VARCHAR AS last_day,
              count(*) FILTER (WHERE estimated) AS estimated_rows, round(sum(unblended_cost_usd), 2) AS unblended
       FROM cost_daily GROUP BY grouping ORDER BY grouping`,
    );
    const untagged = await db.all(`SELECT DISTINCT tag_key, tag_value FROM cost_daily WHERE grouping = 'TAG' ORDER BY tag_value`);
    const sample = await db.all(
      `SELECT account_id, service, unblended_cost_usd, amortized_cost_usd, currency FROM cost_daily
       WHERE grouping = 'LINKED_ACCOUNT,SERVICE' AND day = DATE '2026-10-01' AND account_id = $account`,
      { account: PRODUCER },
    );
    db.close();
    const requests = env.fake.requestsFor('GetCostAndUsage');
    expect(requests).toHaveLength(4);
    expect(requests.every((request) => request.account === MANAGEMENT && request.region === 'us-east-1')).toBe(true);
    expect(requests.map((request) => Boolean(request.params.NextPageToken))).toEqual([false, true, false, true]);
    expect(summary).toEqual([
      {
        grouping: 'LINKED_ACCOUNT,SERVICE',
        rows: 120,
        first_day: '2026-09-01',
        last_day: '2026-10-30',
        estimated_rows: 4,
        unblended: 225,
      },
      { grouping: 'TAG', rows: 120, first_day: '2026-09-01', last_day: '2026-10-30', estimated_rows: 4, unblended: 180 },
    ]);
    expect(untagged).toEqual([
      { tag_key: 'domain', tag_value: '' },
      { tag_key: 'domain', tag_value: 'sales' },
    ]);
    expect(sample).toEqual([
      {
        account_id: PRODUCER,
        service: 'Amazon Simple Storage Service',
        unblended_cost_usd: 2.5,
        amortized_cost_usd: 2.4,
        currency: 'USD',
      },
    ]);
    expect(result.notes).toContain('cost_explorer: 4 paid requests ($0.04)');
  });

  it('asks again only for days not yet final on the next run, and replaces their rows', async () => {
    // Prepare: the lake of the first test holds the final days.
    env.fake.reset();
    const ctx = testContext(miniOrgConfig({ lake: env.org.lake, endpoint: env.fake.endpoint }));
    // Act
    const result = await createCostExplorerCollector(fakeDependencies).collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const [counts] = await db.all(
      'SELECT count(*) AS rows, count(DISTINCT (day, grouping, account_id, service, tag_value)) AS distinct_rows FROM cost_daily',
    );
    db.close();
    const periods = env.fake.requestsFor('GetCostAndUsage').map((request) => request.params.TimePeriod);
    expect(periods).toEqual([
      { Start: '2026-10-28', End: '2026-10-31' },
      { Start: '2026-10-28', End: '2026-10-31' },
    ]);
    expect(result.notes).toContain('cost_explorer: 2 paid requests ($0.02)');
    expect(counts).toEqual({ rows: 240, distinct_rows: 240 });
  });
});

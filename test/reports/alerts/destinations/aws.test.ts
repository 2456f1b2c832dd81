import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudWatchClient } from '../../../../reports/alerts/destinations/aws-clients.js';
import { cloudWatchSink } from '../../../../reports/alerts/destinations/cloudwatch-metrics.js';
import { createDestinations } from '../../../../reports/alerts/destinations/index.js';
import { evaluateAlerts } from '../../../../reports/alerts/index.js';
import type { MetricPoint } from '../../../../reports/alerts/metrics/collect-metrics.js';
import { type FakeAws, fakeAwsClientConfig, startFakeAws } from '../../../fake-aws/index.js';
import { contextFor, tempLakeDir, writeMarts } from '../fixtures.js';

const TOPIC = 'arn:aws:sns:eu-west-1:200000000003:meshwatch-oncall';

let fake: FakeAws;
beforeAll(async () => {
  // An empty sample folder: this test needs only SNS and CloudWatch, not the recorded APIs.
  fake = await startFakeAws({ sampleDir: await tempLakeDir() });
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());

async function lake() {
  const dir = await tempLakeDir();
  await writeMarts(dir, {
    product_freshness: [
      {
        product: 'sales.orders',
        table_fqn: 'sales_db.orders',
        domain: 'sales',
        account_id: '311111111111',
        max_lag_hours: 26,
        lag_hours: 80.5,
        status: 'breached',
        last_update_at: '2026-10-27T15:30:00',
      },
      {
        product: 'sales.customers',
        table_fqn: 'sales_db.customers',
        domain: 'sales',
        account_id: '311111111111',
        max_lag_hours: 26,
        lag_hours: 2,
        status: 'fresh',
        last_update_at: '2026-10-30T22:00:00',
      },
    ],
    pii_access_history: [
      {
        event_time: '2026-10-30T10:00:00',
        principal: 'alice',
        table_fqn: 'sales_db.customers',
        producer_domain: 'sales',
        producer_account_id: '311111111111',
        outcome: 'allowed',
        grant_path: 'lf_tag_policy',
        is_new_reader: false,
      },
      {
        event_time: '2026-10-30T11:00:00',
        principal: 'bob',
        table_fqn: 'sales_db.customers',
        producer_domain: 'sales',
        producer_account_id: '311111111111',
        outcome: 'allowed',
        grant_path: 'lf_tag_policy',
        is_new_reader: false,
      },
    ],
    grant_drift: [
      {
        drift_id: 'd1',
        kind: 'unexpected',
        severity: 'medium',
        account_id: '311111111111',
        domain: 'sales',
        principal: 'arn:aws:iam::411111111111:role/x',
        resource: 'table:sales_db.orders',
      },
    ],
    cost_daily_domain: [
      { day: '2026-10-29', domain: 'sales', cost_usd: 12.5 },
      { day: '2026-10-30', domain: 'sales', cost_usd: 13.25 },
    ],
  });
  return dir;
}

function contextWithAws(dir: string, destinations: string, maxAttempts = 2) {
  return contextFor(
    dir,
    `aws: { endpoint: "${fake.endpoint}", max_attempts: ${maxAttempts} }\nalerts:\n  namespace: NimbusCart/Mesh\n  destinations:\n${destinations}`,
  );
}

const credentials = () => fakeAwsClientConfig(fake).credentials;

describe('SNS destination', () => {
  it('publishes each notification to the topic with a short subject, the runbook and severity/rule attributes', async () => {
    const ctx = contextWithAws(await lake(), `    - { type: sns, topic_arn: "${TOPIC}", min_severity: high }\n`);
    await evaluateAlerts(ctx, {}, { destinations: createDestinations(ctx, { awsCredentials: credentials() }) });

    // Only the high freshness alert passes min_severity: high (the drift item is medium).
    expect(fake.snsMessages).toHaveLength(1);
    const [message] = fake.snsMessages;
    expect(message!.topicArn).toBe(TOPIC);
    expect(message!.region).toBe('eu-west-1');
    expect(message!.subject).toBe('[ALERT] HIGH Data product past its freshness SLA: sales.orders');
    expect(message!.subject!.length).toBeLessThanOrEqual(100);
    expect(message!.message).toContain('sales.orders (sales_db.orders) last updated 2026-10-27T15:30Z — 80.5 h ago');
    expect(message!.message).toContain('What it means: A data product has not been updated');
    expect(message!.message).toMatch(/Confirm: meshwatch sql "select product/);
    expect(message!.message).toMatch(/Runbook: .*reports\/alerts\/rules\/freshness_sla_breached\/runbook\.md/);
    expect(message!.messageAttributes.severity).toEqual({ dataType: 'String', value: 'high' });
    expect(message!.messageAttributes.rule).toEqual({ dataType: 'String', value: 'freshness_sla_breached' });
  });

  it('keeps a notification the topic refused with a server error in the outbox and delivers it on the next run', async () => {
    const dir = await lake();
    const ctx = contextWithAws(dir, `    - { type: sns, topic_arn: "${TOPIC}" }\n`, 1);
    const destinations = createDestinations(ctx, { awsCredentials: credentials() });
    fake.inject({ operation: 'Publish', kind: 'server-error', count: 1 });
    const first = await evaluateAlerts(ctx, {}, { destinations });
    expect(first.delivery?.failures.map((f) => [f.destination, f.permanent])).toEqual([['sns', false]]);
    expect(fake.snsMessages).toEqual([]);

    const second = await evaluateAlerts(ctx, {}, { destinations });
    expect(second.delivery).toEqual({ delivered: 2, failures: [], pending: 0 });
    expect(fake.snsMessages.map((m) => m.messageAttributes.rule?.value).sort()).toEqual([
      'freshness_sla_breached',
      'grant_drift_detected',
    ]);
  });

  it('reports an access-denied publish as permanent', async () => {
    const ctx = contextWithAws(await lake(), `    - { type: sns, topic_arn: "${TOPIC}", rules: [freshness_sla_breached] }\n`);
    fake.inject({ operation: 'Publish', kind: 'access-denied', count: 1 });
    const run = await evaluateAlerts(ctx, {}, { destinations: createDestinations(ctx, { awsCredentials: credentials() }) });
    expect(run.delivery?.failures.map((f) => f.permanent)).toEqual([true]);
    expect(run.delivery?.failures[0]?.message).toContain('sns:Publish failed');
  });
});

describe('CloudWatch metrics', () => {
  it('publishes freshness lag, PII reads, drift count, cost and open alerts with domain/product dimensions', async () => {
    const ctx = contextWithAws(await lake(), '    - { type: cloudwatch }\n');
    const run = await evaluateAlerts(ctx, {}, { destinations: createDestinations(ctx, { awsCredentials: credentials() }) });

    const data = fake.metricData.map((d) => ({
      namespace: d.namespace,
      name: d.metricName,
      value: d.value,
      unit: d.unit,
      dimensions: d.dimensions,
    }));
    expect(data).toEqual(
      expect.arrayContaining([
        {
          namespace: 'NimbusCart/Mesh',
          name: 'FreshnessLagHours',
          value: 80.5,
          unit: 'None',
          dimensions: { Domain: 'sales', Product: 'sales.orders' },
        },
        {
          namespace: 'NimbusCart/Mesh',
          name: 'FreshnessLagHours',
          value: 2,
          unit: 'None',
          dimensions: { Domain: 'sales', Product: 'sales.customers' },
        },
        {
          namespace: 'NimbusCart/Mesh',
          name: 'PiiReads',
          value: 2,
          unit: 'Count',
          dimensions: { Domain: 'sales', Product: 'sales_db.customers' },
        },
        { namespace: 'NimbusCart/Mesh', name: 'GrantDriftCount', value: 1, unit: 'Count', dimensions: { Domain: 'sales' } },
        { namespace: 'NimbusCart/Mesh', name: 'DailyCostUSD', value: 13.25, unit: 'None', dimensions: { Domain: 'sales' } },
        {
          namespace: 'NimbusCart/Mesh',
          name: 'OpenAlerts',
          value: 1,
          unit: 'Count',
          dimensions: { Rule: 'freshness_sla_breached' },
        },
        { namespace: 'NimbusCart/Mesh', name: 'OpenAlerts', value: 0, unit: 'Count', dimensions: { Rule: 'pii_new_reader' } },
      ]),
    );
    // Every rule evaluated gives one OpenAlerts point: 5 from the marts + 8 rules.
    expect(data).toHaveLength(5 + 8);
    // The sample's pinned now (2026-10-31) is more than two weeks before the wall clock: no timestamps.
    expect(fake.metricData.every((d) => d.timestamp === undefined)).toBe(true);
    expect(run.metrics.notes.join('\n')).toMatch(/13 metric data point\(s\) in 1 request\(s\), 13 without timestamp/);
  });

  it('sends at most 1000 data points a request, drops NaN and Infinity, and keeps recent timestamps', async () => {
    const ctx = contextWithAws(await tempLakeDir(), '    - { type: cloudwatch }\n');
    const wallClock = new Date('2026-10-31T06:00:00Z');
    const sink = cloudWatchSink('cloudwatch', 'Test', cloudWatchClient(ctx.config, 'us-east-1', credentials()), () => wallClock);
    const points: MetricPoint[] = Array.from({ length: 2003 }, (_, index) => ({
      name: 'FreshnessLagHours',
      unit: 'None',
      value: index === 7 ? Number.NaN : index === 8 ? Number.POSITIVE_INFINITY : index,
      measuredAt: index === 9 ? new Date('2026-10-01T00:00:00Z') : new Date('2026-10-31T00:00:00Z'),
      dimensions: { Domain: 'sales', Product: `p${index}` },
    }));
    const result = await sink.publish(points);
    expect(result).toEqual({ sent: 2001, requests: 3, droppedNonFinite: 2, timestampsOmitted: 1 });
    expect(fake.requestsFor('PutMetricData').map((request) => (request.params.MetricData as unknown[]).length)).toEqual([
      1000, 1000, 1,
    ]);
    expect(fake.metricData.some((d) => d.value !== undefined && !Number.isFinite(d.value))).toBe(false);
    expect(fake.metricData.find((d) => d.dimensions.Product === 'p10')?.timestamp?.toISOString()).toBe(
      '2026-10-31T00:00:00.000Z',
    );
    expect(fake.metricData.find((d) => d.dimensions.Product === 'p9')?.timestamp).toBeUndefined();
  });
});

/**
 * SNS and CloudWatch calls are bounded: against the fake AWS service answering slowly, each attempt
 * ends after the destination's timeout_ms and the delivery stays in the outbox, instead of the run
 * waiting as long as the endpoint likes (the SDK's default has no timeout).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDestinations } from '../../../../reports/alerts/destinations/index.js';
import type { MetricPoint } from '../../../../reports/alerts/metrics/collect-metrics.js';
import type { Notification } from '../../../../reports/alerts/types.js';
import { type FakeAws, fakeAwsClientConfig, startFakeAws } from '../../../fake-aws/index.js';
import { contextFor, tempLakeDir } from '../fixtures.js';

const TOPIC = 'arn:aws:sns:eu-west-1:200000000003:meshwatch-oncall';
const SLOW_MS = 3000;

let fake: FakeAws;
beforeAll(async () => {
  fake = await startFakeAws({ sampleDir: await tempLakeDir() });
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());

async function destinationsWith(yaml: string) {
  const ctx = contextFor(
    await tempLakeDir(),
    `aws: { endpoint: "${fake.endpoint}", max_attempts: 2 }\nalerts:\n  destinations:\n${yaml}`,
  );
  return createDestinations(ctx, { awsCredentials: fakeAwsClientConfig(fake).credentials });
}

const NOTIFICATION = {
  id: 'a1b2c3d4e5f6-1',
  alert_id: 'a1b2c3d4e5f6',
  kind: 'opened',
  rule: 'freshness_sla_breached',
  title: 'Data product past its freshness SLA',
  resource: 'sales.orders',
  severity: 'high',
  status: 'open',
  reason: 'stale',
  domain: 'sales',
  account_id: '311111111111',
  owner: 'sales-oncall',
  dimensions: {},
  runbook: { path: 'x', link: 'x', summary: 'x', confirm: null },
  created_at: '2026-10-31T00:00:00.000Z',
  deliveries: { sns: { state: 'pending', attempts: 0 } },
} satisfies Notification;

describe('AWS destination timeouts', () => {
  it('gives up on a slow sns:Publish after timeout_ms per attempt, as a retryable failure', async () => {
    const { destinations } = await destinationsWith(`    - { type: sns, topic_arn: "${TOPIC}", timeout_ms: 300 }\n`);
    fake.inject({ operation: 'Publish', kind: 'slow', delayMs: SLOW_MS, count: Number.POSITIVE_INFINITY });
    const started = Date.now();
    const error = await destinations[0]!.send(NOTIFICATION).then(
      () => undefined,
      (caught: unknown) => caught as { permanent?: boolean; message: string },
    );
    expect(Date.now() - started).toBeLessThan(SLOW_MS);
    expect(error?.permanent).toBe(false);
    expect(error?.message).toContain('sns:Publish failed');
    expect(fake.requestsFor('Publish')).toHaveLength(2);
  });

  it('gives up on a slow cloudwatch:PutMetricData after timeout_ms per attempt', async () => {
    const { metricSinks } = await destinationsWith('    - { type: cloudwatch, timeout_ms: 300 }\n');
    fake.inject({ operation: 'PutMetricData', kind: 'slow', delayMs: SLOW_MS, count: Number.POSITIVE_INFINITY });
    const point: MetricPoint = { name: 'OpenAlerts', unit: 'Count', value: 1, measuredAt: new Date(), dimensions: { Rule: 'x' } };
    const started = Date.now();
    await expect(metricSinks[0]!.publish([point])).rejects.toThrow(/cloudwatch:PutMetricData failed/);
    expect(Date.now() - started).toBeLessThan(SLOW_MS);
  });
});

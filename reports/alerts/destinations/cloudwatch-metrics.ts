/**
 * Publishes metric points with CloudWatch PutMetricData under `alerts.namespace`, in requests of at
 * most 1000 data points (the API's limit). CloudWatch rejects NaN and ±Infinity, so such points are
 * dropped and counted; it also rejects timestamps more than two weeks old.
 */
import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricPoint } from '../metrics/collect-metrics.js';
import { deliveryErrorFromAws } from './aws-failure.js';

export const METRICS_PER_REQUEST = 1000;
const TWO_WEEKS_MS = 14 * 86_400_000;
const FUTURE_LIMIT_MS = 2 * 3_600_000;

export interface MetricsPublishResult {
  readonly sent: number;
  readonly requests: number;
  readonly droppedNonFinite: number;
  readonly timestampsOmitted: number;
}

export interface CloudWatchSink {
  readonly name: string;
  publish(points: readonly MetricPoint[]): Promise<MetricsPublishResult>;
}

export function cloudWatchSink(
  name: string,
  namespace: string,
  client: CloudWatchClient,
  wallClock: () => Date = () => new Date(),
): CloudWatchSink {
  return {
    name,
    async publish(points) {
      const { data, droppedNonFinite, timestampsOmitted } = toMetricData(points, wallClock());
      let requests = 0;
      for (let start = 0; start < data.length; start += METRICS_PER_REQUEST) {
        try {
          await client.send(
            new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(start, start + METRICS_PER_REQUEST) }),
          );
        } catch (error) {
          throw deliveryErrorFromAws(name, 'cloudwatch:PutMetricData', error);
        }
        requests += 1;
      }
      return { sent: data.length, requests, droppedNonFinite, timestampsOmitted };
    },
  };
}

export function toMetricData(
  points: readonly MetricPoint[],
  wallClock: Date,
): { data: MetricDatum[]; droppedNonFinite: number; timestampsOmitted: number } {
  const data: MetricDatum[] = [];
  let droppedNonFinite = 0;
  let timestampsOmitted = 0;
  for (const point of points) {
    if (!Number.isFinite(point.value)) {
      droppedNonFinite += 1;
      continue;
    }
    const datum: MetricDatum = {
      MetricName: point.name,
      Unit: point.unit,
      Value: point.value,
      Dimensions: Object.entries(point.dimensions).map(([Name, Value]) => ({ Name, Value: Value.slice(0, 1024) })),
    };
    // A metric keeps its own time only when CloudWatch accepts it (≤ 2 weeks old, ≤ 2 h ahead of
    // the wall clock). With `now` pinned in the past (the sample), the time is left out and
    // CloudWatch stamps the point when it arrives, rather than refusing the whole request.
    if (acceptableTimestamp(point.measuredAt, wallClock)) datum.Timestamp = point.measuredAt;
    else timestampsOmitted += 1;
    data.push(datum);
  }
  return { data, droppedNonFinite, timestampsOmitted };
}

function acceptableTimestamp(at: Date, wallClock: Date): boolean {
  const age = wallClock.getTime() - at.getTime();
  return !Number.isNaN(age) && age <= TWO_WEEKS_MS && age >= -FUTURE_LIMIT_MS;
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERT_METRICS, METRIC_DIMENSIONS, PII_NEW_READER_RULE } from '../../infra/alerting/metrics.js';
import { REPO_ROOT } from './synth-fixture.js';

const ALERTS_DIR = join(REPO_ROOT, 'reports/alerts');

/** Metric names the alert stage publishes: `'<Name>' AS metric_name` in its SQL, `name: '<Name>'` in its code. */
function publishedMetricNames(): string[] {
  const metricsDir = join(ALERTS_DIR, 'metrics');
  const fromSql = readdirSync(metricsDir)
    .filter((file) => file.endsWith('.sql'))
    .flatMap((file) =>
      [...readFileSync(join(metricsDir, file), 'utf8').matchAll(/'([A-Za-z]+)'\s+AS\s+metric_name/gi)].map((m) => m[1] as string),
    );
  const fromCode = [...readFileSync(join(ALERTS_DIR, 'index.ts'), 'utf8').matchAll(/\bname:\s*'([A-Z][A-Za-z]+)'/g)].map(
    (m) => m[1] as string,
  );
  return [...new Set([...fromSql, ...fromCode])].sort();
}

describe('ALERT_METRICS', () => {
  it('lists exactly the metric names the alert stage publishes', () => {
    expect(Object.values(ALERT_METRICS).sort()).toEqual(publishedMetricNames());
  });

  it('uses the dimension names the alert stage sets', () => {
    const code =
      readFileSync(join(ALERTS_DIR, 'metrics/collect-metrics.ts'), 'utf8') + readFileSync(join(ALERTS_DIR, 'index.ts'), 'utf8');
    for (const dimension of Object.values(METRIC_DIMENSIONS)) expect(code).toMatch(new RegExp(`\\b${dimension}\\b`));
  });

  it('watches a PII new-reader rule that exists', () => {
    expect(existsSync(join(ALERTS_DIR, 'rules', PII_NEW_READER_RULE, 'rule.yaml'))).toBe(true);
  });
});

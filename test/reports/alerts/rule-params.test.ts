import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load.js';
import { ConfigError } from '../../../lib/errors.js';
import { loadRules } from '../../../reports/alerts/rule-catalog.js';
import { resolveRuleSettings } from '../../../reports/alerts/rule-params.js';

describe('resolveRuleSettings', () => {
  it('uses rule.yaml defaults and applies config overrides per rule', async () => {
    const settings = resolveRuleSettings(await loadRules(), {
      athena_scan_spike: { spike_factor: 8, workgroup_daily_budget_bytes: { adhoc: 1e12 } },
      cost_anomaly_domain: { enabled: false },
    });
    expect(settings.get('athena_scan_spike')).toEqual({
      enabled: true,
      params: {
        lookback_days: 7,
        spike_factor: 8,
        baseline_days: 7,
        min_history_days: 3,
        workgroup_daily_budget_bytes: { adhoc: 1e12 },
      },
    });
    expect(settings.get('cost_anomaly_domain')?.enabled).toBe(false);
    expect(settings.get('cost_anomaly_domain')?.params).toEqual({
      lookback_days: 7,
      factor: 2,
      baseline_days: 7,
      min_history_days: 7,
      min_cost_usd: 5,
    });
  });

  it.each([
    [{ pii_new_reader: { lookback_days: 0 } }, /alerts.rules.pii_new_reader.lookback_days: must be at least 1 \(got 0\)/],
    [{ pii_new_reader: { lookback_days: 2.5 } }, /must be a whole number/],
    [
      { pii_new_reader: { lookbak_days: 3 } },
      /alerts.rules.pii_new_reader.lookbak_days: unknown parameter — did you mean "lookback_days"\?/,
    ],
    [{ pii_new_readers: { lookback_days: 3 } }, /alerts.rules.pii_new_readers: no such rule — did you mean "pii_new_reader"\?/],
    [{ athena_scan_spike: { spike_factor: 'five' } }, /spike_factor: must be a number \(got "five"\)/],
    [{ athena_scan_spike: { enabled: 'no' } }, /enabled: must be true or false/],
  ])('rejects %j with a ConfigError naming the key', async (overrides, message) => {
    const rules = await loadRules();
    expect(() => resolveRuleSettings(rules, overrides as Record<string, Record<string, unknown>>)).toThrow(ConfigError);
    expect(() => resolveRuleSettings(rules, overrides as Record<string, Record<string, unknown>>)).toThrow(message);
  });

  it('shows a correct example in the hint of a wrong value', async () => {
    const rules = await loadRules();
    try {
      resolveRuleSettings(rules, { cost_anomaly_domain: { factor: -1 } });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).hint).toBe(
        'for example factor: 2 — a day alarms when its cost exceeds this many times the median of the preceding days',
      );
    }
  });
});

describe('alerts config section', () => {
  const base = 'organization: { id: o-n1mbusc4rt }\n';

  it('types each destination by its type and fills in defaults', () => {
    const config = parseConfig(
      `${base}alerts:\n  destinations:\n    - { type: slack, name: oncall, url_env: MESHWATCH_SLACK_URL, min_severity: high }\n    - { type: cloudwatch }\n`,
      '/tmp/meshwatch.config.yaml',
    );
    expect(config.alerts.destinations).toEqual([
      {
        type: 'slack',
        name: 'oncall',
        url_env: 'MESHWATCH_SLACK_URL',
        min_severity: 'high',
        max_attempts: 4,
        retry_base_ms: 500,
        timeout_ms: 10_000,
      },
      { type: 'cloudwatch', min_severity: 'low', timeout_ms: 10_000 },
    ]);
    expect(config.alerts.renotify_after_hours).toBe(24);
  });

  it.each([
    ['- { type: pagerduty }', /alerts.destinations\[0\].type: needs type: stdout, jsonl, webhook, slack, cloudwatch or sns/],
    ['- { type: webhook, url: "https://hooks.example/x" }', /alerts.destinations\[0\].url_env: is required/],
    ['- { type: webhook, url_env: "https://hooks.example/x" }', /url_env: must be the NAME of an environment variable/],
    ['- { type: sns, topic_arn: "my-topic" }', /topic_arn: must be an SNS topic ARN/],
  ])('rejects %s', (destination, message) => {
    expect(() => parseConfig(`${base}alerts:\n  destinations:\n    ${destination}\n`, '/tmp/meshwatch.config.yaml')).toThrow(
      message,
    );
  });
});

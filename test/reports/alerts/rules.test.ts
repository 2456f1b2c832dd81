import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { lakeLayout } from '../../../lib/lake/layout.js';
import { evaluateRule } from '../../../reports/alerts/evaluate.js';
import { loadRules, type RuleDefinition } from '../../../reports/alerts/rule-catalog.js';
import { resolveRuleSettings } from '../../../reports/alerts/rule-params.js';
import type { Evaluation } from '../../../reports/alerts/types.js';
import { contextFor, type MartRows, tempLakeDir, writeMarts } from './fixtures.js';

const REQUIRED_RULES = [
  'freshness_sla_breached',
  'pii_new_reader',
  'pii_access_via_bypass',
  'grant_drift_detected',
  'lf_settings_iam_allowed_principals',
  'athena_scan_spike',
  'cost_anomaly_domain',
  'audit_coverage_gap',
];

/** Evaluates one rule over a fresh lake holding `rows`; returns its evaluations by resource. */
async function evaluate(ruleId: string, rows: MartRows, overrides: Record<string, Record<string, unknown>> = {}) {
  const lake = await tempLakeDir();
  await writeMarts(lake, rows);
  const ctx = contextFor(lake);
  const rules = await loadRules();
  const rule = rules.find((candidate) => candidate.id === ruleId) as RuleDefinition;
  const settings = resolveRuleSettings(rules, overrides).get(ruleId);
  const db = await openDatabase(lakeLayout(lake).databaseFile, { readOnly: true });
  try {
    const outcome = await evaluateRule({ db, rule, settings: settings!, now: ctx.now, config: ctx.config });
    return new Map(outcome.evaluations.map((evaluation) => [evaluation.resource, evaluation] as [string, Evaluation]));
  } finally {
    db.close();
  }
}

function statuses(evaluations: Map<string, Evaluation>): Record<string, string> {
  return Object.fromEntries([...evaluations].map(([resource, evaluation]) => [resource, evaluation.status]));
}

describe('rule catalog', () => {
  it('holds every rule the issue asks for, each with metadata, a query and a runbook that gives a meshwatch command', async () => {
    const rules = await loadRules();
    expect(rules.map((rule) => rule.id)).toEqual(expect.arrayContaining(REQUIRED_RULES));
    for (const rule of rules) {
      expect(rule.sql, rule.id).toMatch(/\bresource\b/);
      expect(rule.runbook, rule.id).toMatch(/## What it means[\s\S]*## How to confirm[\s\S]*## How to fix/);
      expect(rule.confirmCommand, rule.id).toMatch(/^meshwatch /);
    }
  });

  it('never writes a threshold as a literal: every $param a query uses is declared in rule.yaml', async () => {
    for (const rule of await loadRules()) {
      const used = [...rule.sql.matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((match) => match[1]);
      for (const name of used) if (name !== 'now') expect(Object.keys(rule.params), `${rule.id} uses $${name}`).toContain(name);
    }
  });
});

describe('freshness_sla_breached', () => {
  it('alarms on breached products and returns the others as ok', async () => {
    const product = (name: string, status: string, lag: number) => ({
      product: name,
      table_fqn: `${name.replace('.', '_db.')}`,
      domain: name.split('.')[0],
      account_id: '311111111111',
      owner: 'orders-team',
      max_lag_hours: 26,
      warn_lag_hours: 24,
      last_update_at: '2026-10-28T00:00:00',
      lag_hours: lag,
      status,
    });
    const result = await evaluate('freshness_sla_breached', {
      product_freshness: [
        product('sales.orders', 'breached', 72),
        product('sales.customers', 'fresh', 2),
        product('sales.returns', 'late', 25),
      ],
    });
    expect(statuses(result)).toEqual({ 'sales.orders': 'alarm', 'sales.customers': 'ok', 'sales.returns': 'ok' });
    const orders = result.get('sales.orders')!;
    expect(orders.severity).toBe('high');
    expect(orders.owner).toBe('orders-team');
    expect(orders.reason).toContain('72.0 h ago');
    expect(orders.reason).toContain('allows 26.0 h');
  });
});

describe('pii_new_reader', () => {
  const read = (principal: string, table: string, at: string, isNew = true) => ({
    event_time: at,
    principal,
    principal_arn: `arn:aws:sts::411111111111:assumed-role/X/${principal}`,
    account_id: '411111111111',
    consumer_domain: 'analytics',
    table_fqn: table,
    producer_account_id: '311111111111',
    producer_domain: 'sales',
    outcome: 'allowed',
    grant_path: 'lf_tag_policy',
    is_new_reader: isNew,
    query_id: `q-${principal}-${at}`,
  });

  it('alarms on first reads inside the lookback window and is ok for older first readers', async () => {
    const result = await evaluate('pii_new_reader', {
      pii_access_history: [
        read('alice', 'sales_db.customers', '2026-10-29T10:00:00'),
        read('alice', 'sales_db.customers', '2026-10-30T10:00:00', false),
        read('bob', 'sales_db.customers', '2026-10-02T09:00:00'),
        read('bob', 'sales_db.customers', '2026-10-30T09:00:00', false),
      ],
    });
    expect(statuses(result)).toEqual({ 'alice@sales_db.customers': 'alarm', 'bob@sales_db.customers': 'ok' });
    const alice = result.get('alice@sales_db.customers')!;
    expect(alice.domain).toBe('sales');
    // Routed to the producing domain's owner from the account map.
    expect(alice.owner).toBe('sales-oncall');
    expect(alice.dimensions.reader_account_id).toBe('411111111111');
  });

  it('takes the lookback from the config override', async () => {
    const rows = { pii_access_history: [read('bob', 'sales_db.customers', '2026-10-02T09:00:00')] };
    const result = await evaluate('pii_new_reader', rows, { pii_new_reader: { lookback_days: 30 } });
    expect(statuses(result)).toEqual({ 'bob@sales_db.customers': 'alarm' });
  });
});

describe('pii_access_via_bypass', () => {
  it('alarms per reader of a PII table read through IAM_ALLOWED_PRINCIPALS, ok for readers through grants', async () => {
    const read = (principal: string, table: string, path: string, at = '2026-10-20T10:00:00') => ({
      event_time: at,
      principal,
      account_id: '411111111111',
      table_fqn: table,
      producer_account_id: '322222222222',
      producer_domain: 'marketing',
      outcome: 'allowed',
      grant_path: path,
      is_new_reader: false,
    });
    const result = await evaluate('pii_access_via_bypass', {
      pii_access_history: [
        read('carol', 'mkt_db.leads', 'iam_allowed_principals'),
        read('carol', 'mkt_db.leads', 'named_grant'),
        read('dave', 'mkt_db.leads', 'lf_tag_policy'),
        read('erin', 'mkt_db.leads', 'iam_allowed_principals', '2026-09-01T00:00:00'),
      ],
    });
    // erin's bypass read is older than the 30-day lookback.
    expect(statuses(result)).toEqual({ 'carol@mkt_db.leads': 'alarm', 'dave@mkt_db.leads': 'ok' });
    const carol = result.get('carol@mkt_db.leads')!;
    expect(carol.severity).toBe('critical');
    expect(carol.domain).toBe('marketing');
    expect(carol.reason).toBe(
      'carol read PII table mkt_db.leads through IAM_ALLOWED_PRINCIPALS 1 time(s), last at 2026-10-20T10:00Z (account 411111111111)',
    );
  });
});

describe('grant_drift_detected', () => {
  it('alarms on each drift item of an alarming kind with the mart severity, and leaves unused grants out', async () => {
    const drift = (kind: string, severity: string, principal: string) => ({
      drift_id: `${kind}-${principal}`,
      kind,
      severity,
      account_id: '311111111111',
      domain: 'sales',
      principal,
      resource: 'table:sales_db.customers',
      permissions: ['SELECT'],
      changed_by_name: kind === 'external' ? 'mallory' : null,
      changed_at: kind === 'external' ? '2026-10-12T08:00:00' : null,
      event_name: kind === 'external' ? 'GrantPermissions' : null,
    });
    const result = await evaluate('grant_drift_detected', {
      grant_drift: [
        drift('external', 'critical', '999999999999'),
        drift('missing', 'medium', '411111111111'),
        drift('unused', 'low', 'arn:x'),
      ],
    });
    expect([...result.keys()].sort()).toEqual([
      '311111111111|411111111111|table:sales_db.customers',
      '311111111111|999999999999|table:sales_db.customers',
    ]);
    const external = result.get('311111111111|999999999999|table:sales_db.customers')!;
    expect(external.severity).toBe('critical');
    expect(external.reason).toContain('GrantPermissions by mallory at 2026-10-12T08:00Z');
    expect(result.get('311111111111|411111111111|table:sales_db.customers')!.severity).toBe('medium');
  });
});

describe('lf_settings_iam_allowed_principals', () => {
  it('alarms per account with IAM_ALLOWED_PRINCIPALS defaults, takes the domain from the account map', async () => {
    const result = await evaluate('lf_settings_iam_allowed_principals', {
      lf_settings_current: [
        {
          account_id: '322222222222',
          iam_allowed_principals_default: true,
          changed_by: 'arn:aws:iam::322222222222:role/admin',
          changed_at: '2026-10-15T00:00:00',
        },
        { account_id: '311111111111', iam_allowed_principals_default: false },
      ],
    });
    expect(statuses(result)).toEqual({ '322222222222': 'alarm', '311111111111': 'ok' });
    expect(result.get('322222222222')!.domain).toBe('marketing');
  });
});

describe('athena_scan_spike', () => {
  const day = (date: string, bytes: number, workgroup = 'primary') => ({
    day: date,
    account_id: '411111111111',
    consumer_domain: 'analytics',
    workgroup,
    queries: 10,
    bytes_scanned: bytes,
  });
  const steady = ['2026-10-20', '2026-10-21', '2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26'];

  it('alarms when a day in the window is above 5× the median of the 7 days before it', async () => {
    const rows = [
      ...steady.map((date) => day(date, 1e9)),
      day('2026-10-27', 6e9),
      ...steady.map((date) => day(date, 1e9, 'etl')),
    ];
    const result = await evaluate('athena_scan_spike', { athena_daily_usage: rows });
    expect(statuses(result)).toEqual({ '411111111111/primary': 'alarm', '411111111111/etl': 'ok' });
    expect(result.get('411111111111/primary')!.dimensions.alarm_day).toBe('2026-10-27');
  });

  it('does not call a spike without 3 days of history, and honours the spike factor override', async () => {
    const short = await evaluate('athena_scan_spike', {
      athena_daily_usage: [day('2026-10-26', 1e9), day('2026-10-27', 1e9), day('2026-10-28', 9e9)],
    });
    expect(statuses(short)).toEqual({ '411111111111/primary': 'ok' });
    const rows = [...steady.map((date) => day(date, 1e9)), day('2026-10-27', 6e9)];
    const relaxed = await evaluate(
      'athena_scan_spike',
      { athena_daily_usage: rows },
      { athena_scan_spike: { spike_factor: 10 } },
    );
    expect(statuses(relaxed)).toEqual({ '411111111111/primary': 'ok' });
  });

  it('alarms when a workgroup is over its daily budget', async () => {
    const rows = [day('2026-10-29', 3e9, 'adhoc')];
    const result = await evaluate(
      'athena_scan_spike',
      { athena_daily_usage: rows },
      { athena_scan_spike: { workgroup_daily_budget_bytes: { adhoc: 2e9 } } },
    );
    expect(statuses(result)).toEqual({ '411111111111/adhoc': 'alarm' });
    expect(result.get('411111111111/adhoc')!.reason).toContain('budget');
  });
});

describe('cost_anomaly_domain', () => {
  const cost = (date: string, usd: number, domain = 'sales') => ({ day: date, domain, cost_usd: usd });
  const week = ['2026-10-21', '2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27'];

  it('alarms above 2× the 7-day median and above 5 USD; small domains stay ok', async () => {
    const rows = [
      ...week.map((date) => cost(date, 10)),
      cost('2026-10-28', 25),
      ...week.map((date) => cost(date, 1, 'marketing')),
      cost('2026-10-28', 4, 'marketing'),
    ];
    const result = await evaluate('cost_anomaly_domain', { cost_daily_domain: rows });
    expect(statuses(result)).toEqual({ sales: 'alarm', marketing: 'ok' });
    expect(result.get('sales')!.reason).toContain('25.00 USD on 2026-10-28, 2.5× its 7-day median of 10.00 USD');
  });

  it('ignores anomalies older than the lookback window', async () => {
    const rows = [...week.map((date) => cost(date.replace('-10-', '-09-'), 10)), cost('2026-09-28', 40)];
    const result = await evaluate('cost_anomaly_domain', { cost_daily_domain: rows });
    expect(statuses(result)).toEqual({ sales: 'ok' });
    const wider = await evaluate(
      'cost_anomaly_domain',
      { cost_daily_domain: rows },
      { cost_anomaly_domain: { lookback_days: 40 } },
    );
    expect(statuses(wider)).toEqual({ sales: 'alarm' });
  });
});

describe('audit_coverage_gap', () => {
  it('alarms for an account × region with a day without log objects or a failed digest', async () => {
    const coverage = (account: string, region: string, date: string, gap: boolean, verification = 'verified') => ({
      account_id: account,
      region,
      day: date,
      objects: gap ? 0 : 24,
      events: gap ? 0 : 100,
      verification,
      is_gap: gap,
    });
    const result = await evaluate('audit_coverage_gap', {
      cloudtrail_coverage: [
        coverage('311111111111', 'us-east-1', '2026-10-28', true, 'missing'),
        coverage('311111111111', 'us-east-1', '2026-10-29', false),
        coverage('322222222222', 'us-east-1', '2026-10-29', false, 'mismatch'),
        coverage('411111111111', 'us-east-1', '2026-10-29', false),
        coverage('411111111111', 'eu-west-1', '2026-10-01', true),
      ],
    });
    expect(statuses(result)).toEqual({
      '311111111111/us-east-1': 'alarm',
      '322222222222/us-east-1': 'alarm',
      '411111111111/us-east-1': 'ok',
      '411111111111/eu-west-1': 'ok',
    });
    expect(result.get('311111111111/us-east-1')!.owner).toBe('security');
    expect(result.get('322222222222/us-east-1')!.reason).toContain('digest check failed');
  });
});

import { describe, expect, it } from 'vitest';
import { alertIdFor } from '../../../reports/alerts/evaluate.js';
import { applyEvaluations, type LifecycleInput } from '../../../reports/alerts/lifecycle.js';
import type { RuleDefinition } from '../../../reports/alerts/rule-catalog.js';
import { emptyAlertState } from '../../../reports/alerts/state-store.js';
import type { AlertState, Evaluation, RuleOutcome, Severity } from '../../../reports/alerts/types.js';

const RULE = {
  id: 'freshness_sla_breached',
  title: 'Data product past its freshness SLA',
  summary: 'stale',
  confirmCommand: 'meshwatch sql "select 1"',
} as RuleDefinition;
const RULES = new Map([[RULE.id, RULE]]);

function evaluation(resource: string, status: 'ok' | 'alarm', severity: Severity = 'high'): Evaluation {
  return {
    ruleId: RULE.id,
    alertId: alertIdFor(RULE.id, resource),
    resource,
    status,
    severity,
    reason: `${resource} is ${status}`,
    domain: 'sales',
    accountId: '311111111111',
    owner: 'sales-oncall',
    dimensions: {},
  };
}

function outcome(evaluations: Evaluation[], evaluated = true): RuleOutcome {
  return { ruleId: RULE.id, evaluated, evaluations, invalidRows: 0 };
}

function step(state: AlertState, outcomes: RuleOutcome[], at: string, renotifyAfterHours = 24) {
  const input: LifecycleInput = {
    state,
    outcomes,
    now: new Date(at),
    rules: RULES,
    renotifyAfterHours,
    runbookFor: (rule) => ({
      path: `rules/${rule.id}/runbook.md`,
      link: `rules/${rule.id}/runbook.md`,
      summary: rule.summary,
      confirm: rule.confirmCommand,
    }),
    routeTo: () => ['stdout', 'slack'],
  };
  return applyEvaluations(input);
}

describe('applyEvaluations', () => {
  it('opens an alert on the first alarm and notifies once, with a pending delivery per routed destination', () => {
    const result = step(
      emptyAlertState(),
      [outcome([evaluation('sales.orders', 'alarm'), evaluation('sales.customers', 'ok')])],
      '2026-10-31T00:00:00Z',
    );
    expect(result.notifications.map((n) => [n.kind, n.resource])).toEqual([['opened', 'sales.orders']]);
    expect(result.notifications[0]!.deliveries).toEqual({
      stdout: { state: 'pending', attempts: 0 },
      slack: { state: 'pending', attempts: 0 },
    });
    expect(result.notifications[0]!.runbook.confirm).toBe('meshwatch sql "select 1"');
    expect(result.state.instances.map((i) => [i.resource, i.status])).toEqual([['sales.orders', 'open']]);
    expect(result.state.outbox).toHaveLength(1);
  });

  it('does not notify again while the alarm repeats (dedup)', () => {
    const first = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T00:00:00Z');
    const second = step(first.state, [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T06:00:00Z');
    expect(second.notifications).toEqual([]);
    expect(second.changes).toEqual({ opened: 0, resolved: 0, renotified: 0, unchanged: 1 });
    expect(second.state.instances[0]!.last_seen_at).toBe('2026-10-31T06:00:00.000Z');
  });

  it('resolves and notifies once when the row turns ok, and stays quiet afterwards', () => {
    const opened = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T00:00:00Z');
    const resolved = step(opened.state, [outcome([evaluation('sales.orders', 'ok')])], '2026-10-31T01:00:00Z');
    expect(resolved.notifications.map((n) => [n.kind, n.status])).toEqual([['resolved', 'resolved']]);
    expect(resolved.state.instances[0]!.resolved_at).toBe('2026-10-31T01:00:00.000Z');
    const again = step(resolved.state, [outcome([evaluation('sales.orders', 'ok')])], '2026-10-31T02:00:00Z');
    expect(again.notifications).toEqual([]);
  });

  it('resolves an open alert whose resource disappeared from an evaluated rule', () => {
    const opened = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T00:00:00Z');
    const gone = step(opened.state, [outcome([])], '2026-10-31T01:00:00Z');
    expect(gone.notifications.map((n) => n.kind)).toEqual(['resolved']);
    expect(gone.state.instances[0]!.reason).toBe('no longer reported by the rule');
  });

  it('leaves alerts of a rule that was not evaluated (missing marts) untouched', () => {
    const opened = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T00:00:00Z');
    const skipped = step(opened.state, [outcome([], false)], '2026-10-31T01:00:00Z');
    expect(skipped.notifications).toEqual([]);
    expect(skipped.state.instances[0]!.status).toBe('open');
  });

  it('notifies again when the severity rises above the one last notified, not when it falls', () => {
    const opened = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm', 'medium')])], '2026-10-31T00:00:00Z');
    const raised = step(opened.state, [outcome([evaluation('sales.orders', 'alarm', 'critical')])], '2026-10-31T01:00:00Z');
    expect(raised.notifications.map((n) => [n.kind, n.severity])).toEqual([['severity_raised', 'critical']]);
    const lowered = step(raised.state, [outcome([evaluation('sales.orders', 'alarm', 'high')])], '2026-10-31T02:00:00Z');
    expect(lowered.notifications).toEqual([]);
  });

  it('re-notifies an alert still firing once renotify_after_hours have passed since the last notification', () => {
    const opened = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T00:00:00Z');
    const early = step(opened.state, [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T23:59:00Z');
    expect(early.notifications).toEqual([]);
    const due = step(early.state, [outcome([evaluation('sales.orders', 'alarm')])], '2026-11-01T00:00:00Z');
    expect(due.notifications.map((n) => n.kind)).toEqual(['renotify']);
    const never = step(opened.state, [outcome([evaluation('sales.orders', 'alarm')])], '2026-12-01T00:00:00Z', 0);
    expect(never.notifications).toEqual([]);
  });

  it('keeps a snoozed alert quiet until its time, then notifies if it still fires', () => {
    const opened = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T00:00:00Z');
    const snoozedState: AlertState = {
      ...opened.state,
      instances: opened.state.instances.map((i) => ({ ...i, status: 'snoozed', snoozed_until: '2026-11-02T00:00:00.000Z' })),
    };
    // Past renotify_after_hours, but snoozed: silent.
    const during = step(snoozedState, [outcome([evaluation('sales.orders', 'alarm', 'critical')])], '2026-11-01T12:00:00Z');
    expect(during.notifications).toEqual([]);
    expect(during.state.instances[0]!.status).toBe('snoozed');
    const after = step(during.state, [outcome([evaluation('sales.orders', 'alarm')])], '2026-11-02T00:00:00Z');
    expect(after.notifications.map((n) => n.kind)).toEqual(['snooze_ended']);
    expect(after.state.instances[0]!.status).toBe('open');
  });

  it('gives every notification of an alert its own idempotency key, also across a re-open', () => {
    const opened = step(emptyAlertState(), [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T00:00:00Z');
    const resolved = step(opened.state, [outcome([evaluation('sales.orders', 'ok')])], '2026-10-31T01:00:00Z');
    const reopened = step(resolved.state, [outcome([evaluation('sales.orders', 'alarm')])], '2026-10-31T02:00:00Z');
    const keys = [...opened.notifications, ...resolved.notifications, ...reopened.notifications].map((n) => n.id);
    expect(new Set(keys).size).toBe(3);
    expect(reopened.notifications.map((n) => n.kind)).toEqual(['opened']);
  });
});

describe('applyEvaluations retention', () => {
  it('drops resolved alerts 90 days after they resolved, and keeps open ones however old', () => {
    const opened = step(
      emptyAlertState(),
      [outcome([evaluation('sales.orders', 'alarm'), evaluation('sales.returns', 'alarm')])],
      '2026-01-01T00:00:00Z',
      0,
    );
    const resolved = step(
      opened.state,
      [outcome([evaluation('sales.orders', 'ok'), evaluation('sales.returns', 'alarm')])],
      '2026-01-02T00:00:00Z',
      0,
    );
    const day90 = step(resolved.state, [outcome([evaluation('sales.returns', 'alarm')])], '2026-04-02T00:00:00Z', 0);
    expect(day90.state.instances.map((i) => i.resource).sort()).toEqual(['sales.orders', 'sales.returns']);
    const day91 = step(day90.state, [outcome([evaluation('sales.returns', 'alarm')])], '2026-04-03T00:00:00Z', 0);
    expect(day91.state.instances.map((i) => i.resource)).toEqual(['sales.returns']);
  });
});

/**
 * The alert lifecycle, as a pure function of the previous state and this run's evaluations:
 *   alarm, no open alert        → open, notify once ("opened")
 *   alarm, open                 → no notification, unless the severity rose above the one last
 *                                 notified or `renotify_after_hours` passed since the last one
 *   alarm, snoozed              → quiet until `snoozed_until`, then open again and notify
 *   ok, or gone from the result → resolved, notify once
 * Rules that were not evaluated (missing inputs) leave their alerts exactly as they were.
 */
import type { RuleDefinition } from './rule-catalog.js';
import {
  type AlertInstance,
  type AlertState,
  type DeliveryState,
  type Evaluation,
  type Notification,
  type NotificationKind,
  type RuleOutcome,
  type RunbookRef,
  SEVERITY_RANK,
} from './types.js';

export interface LifecycleInput {
  readonly state: AlertState;
  readonly outcomes: readonly RuleOutcome[];
  readonly now: Date;
  readonly rules: ReadonlyMap<string, RuleDefinition>;
  readonly renotifyAfterHours: number;
  readonly runbookFor: (rule: RuleDefinition) => RunbookRef;
  /** Names of the destinations that should receive this notification (severity, domain, rule filters). */
  readonly routeTo: (notification: Omit<Notification, 'deliveries'>) => readonly string[];
}

export interface LifecycleChanges {
  readonly opened: number;
  readonly resolved: number;
  readonly renotified: number;
  readonly unchanged: number;
}

export interface LifecycleResult {
  readonly state: AlertState;
  readonly notifications: readonly Notification[];
  readonly changes: LifecycleChanges;
}

const HOUR_MS = 3_600_000;
/** Resolved alerts are kept this long (history for `alerts --all`), then dropped from the state. */
export const RESOLVED_RETENTION_DAYS = 90;

export function applyEvaluations(input: LifecycleInput): LifecycleResult {
  const nowIso = input.now.toISOString();
  const evaluatedRules = new Set(input.outcomes.filter((outcome) => outcome.evaluated).map((outcome) => outcome.ruleId));
  const evaluations = new Map<string, Evaluation>();
  for (const outcome of input.outcomes)
    for (const evaluation of outcome.evaluations) evaluations.set(evaluation.alertId, evaluation);

  const instances = new Map(input.state.instances.map((instance) => [instance.id, instance]));
  const notifications: Notification[] = [];
  const counts = { opened: 0, resolved: 0, renotified: 0, unchanged: 0 };
  const notify = (instance: AlertInstance, kind: NotificationKind): AlertInstance => {
    const updated: AlertInstance = {
      ...instance,
      notifications: instance.notifications + 1,
      last_notified_at: nowIso,
      notified_severity: kind === 'resolved' ? instance.notified_severity : instance.severity,
    };
    notifications.push(buildNotification(updated, kind, input, nowIso));
    return updated;
  };

  for (const evaluation of evaluations.values()) {
    const previous = instances.get(evaluation.alertId);
    const { instance, kind } = transition(previous, evaluation, input, nowIso);
    if (!instance) continue;
    instances.set(instance.id, kind ? notify(instance, kind) : instance);
    if (kind === 'opened') counts.opened += 1;
    else if (kind === 'resolved') counts.resolved += 1;
    else if (kind) counts.renotified += 1;
    else counts.unchanged += 1;
  }
  for (const instance of instances.values()) {
    const vanished = evaluatedRules.has(instance.rule) && !evaluations.has(instance.id) && instance.status !== 'resolved';
    if (!vanished) continue;
    const resolved = resolve(instance, 'no longer reported by the rule', nowIso);
    instances.set(instance.id, notify(resolved, 'resolved'));
    counts.resolved += 1;
  }
  const keepAfter = input.now.getTime() - RESOLVED_RETENTION_DAYS * 24 * HOUR_MS;
  const kept = [...instances.values()].filter((i) => i.status !== 'resolved' || Date.parse(i.resolved_at ?? nowIso) >= keepAfter);
  return {
    state: {
      ...input.state,
      updated_at: nowIso,
      instances: kept,
      outbox: [...input.state.outbox, ...notifications],
    },
    notifications,
    changes: counts,
  };
}

function transition(
  previous: AlertInstance | undefined,
  evaluation: Evaluation,
  input: LifecycleInput,
  nowIso: string,
): { instance?: AlertInstance; kind?: NotificationKind } {
  if (evaluation.status === 'ok') {
    if (!previous || previous.status === 'resolved') return {};
    return { instance: resolve(previous, evaluation.reason, nowIso), kind: 'resolved' };
  }
  if (!previous || previous.status === 'resolved')
    return { instance: openInstance(previous, evaluation, nowIso), kind: 'opened' };
  const seen = refresh(previous, evaluation, nowIso);
  if (previous.status === 'snoozed') {
    const stillSnoozed = previous.snoozed_until !== null && Date.parse(previous.snoozed_until) > input.now.getTime();
    if (stillSnoozed) return { instance: seen };
    return { instance: { ...seen, status: 'open', snoozed_until: null }, kind: 'snooze_ended' };
  }
  const notifiedRank = previous.notified_severity === null ? -1 : SEVERITY_RANK[previous.notified_severity];
  if (SEVERITY_RANK[evaluation.severity] > notifiedRank) return { instance: seen, kind: 'severity_raised' };
  if (renotifyDue(previous, input)) return { instance: seen, kind: 'renotify' };
  return { instance: seen };
}

function renotifyDue(instance: AlertInstance, input: LifecycleInput): boolean {
  const hours = input.rules.get(instance.rule)?.renotifyAfterHours ?? input.renotifyAfterHours;
  if (hours <= 0 || instance.last_notified_at === null) return false;
  return input.now.getTime() - Date.parse(instance.last_notified_at) >= hours * HOUR_MS;
}

function openInstance(previous: AlertInstance | undefined, evaluation: Evaluation, nowIso: string): AlertInstance {
  return {
    id: evaluation.alertId,
    rule: evaluation.ruleId,
    resource: evaluation.resource,
    status: 'open',
    severity: evaluation.severity,
    reason: evaluation.reason,
    domain: evaluation.domain,
    account_id: evaluation.accountId,
    owner: evaluation.owner,
    dimensions: evaluation.dimensions,
    opened_at: nowIso,
    last_seen_at: nowIso,
    last_notified_at: null,
    notified_severity: null,
    resolved_at: null,
    snoozed_until: null,
    // A re-opened alert keeps counting, so its notifications never reuse an idempotency key.
    notifications: previous?.notifications ?? 0,
  };
}

function refresh(instance: AlertInstance, evaluation: Evaluation, nowIso: string): AlertInstance {
  return {
    ...instance,
    severity: evaluation.severity,
    reason: evaluation.reason,
    domain: evaluation.domain,
    account_id: evaluation.accountId,
    owner: evaluation.owner,
    dimensions: evaluation.dimensions,
    last_seen_at: nowIso,
  };
}

function resolve(instance: AlertInstance, reason: string, nowIso: string): AlertInstance {
  return { ...instance, status: 'resolved', reason, resolved_at: nowIso, snoozed_until: null };
}

function buildNotification(instance: AlertInstance, kind: NotificationKind, input: LifecycleInput, nowIso: string): Notification {
  const rule = input.rules.get(instance.rule);
  const base: Omit<Notification, 'deliveries'> = {
    // Unique per notification; the creation time keeps it unique even after old resolved alerts are
    // pruned and an alert's notification count starts again.
    id: `${instance.id}-${instance.notifications}-${nowIso.replace(/[-:]|\.\d+/g, '')}`,
    alert_id: instance.id,
    kind,
    rule: instance.rule,
    title: rule?.title ?? instance.rule,
    resource: instance.resource,
    severity: instance.severity,
    status: instance.status,
    reason: instance.reason,
    domain: instance.domain,
    account_id: instance.account_id,
    owner: instance.owner,
    dimensions: instance.dimensions,
    runbook: rule ? input.runbookFor(rule) : { path: '', link: '', summary: '', confirm: null },
    created_at: nowIso,
  };
  const pending: DeliveryState = { state: 'pending', attempts: 0 };
  return { ...base, deliveries: Object.fromEntries(input.routeTo(base).map((name) => [name, pending])) };
}

/**
 * The vocabulary of the alerting stage: a rule's evaluated row, an alert instance kept in the lake's
 * state, and a notification waiting in the outbox. Everything here is plain JSON so the state file
 * can be written and read back without translation.
 */
import type { AlertSeverity } from '../../lib/config/schema.js';

export type Severity = AlertSeverity;

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

export function severityAtLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];
}

/** One row a rule returned, normalised: who owns it, how bad, and why. */
export interface Evaluation {
  readonly ruleId: string;
  readonly alertId: string;
  readonly resource: string;
  readonly status: 'ok' | 'alarm';
  readonly severity: Severity;
  readonly reason: string;
  readonly domain: string | null;
  readonly accountId: string | null;
  readonly owner: string;
  /** Every other column the rule returned (table, principal, lag...), for messages and metrics. */
  readonly dimensions: Readonly<Record<string, unknown>>;
}

/** What one rule produced in a run; `evaluated: false` means its inputs were missing (nothing resolves). */
export interface RuleOutcome {
  readonly ruleId: string;
  readonly evaluated: boolean;
  readonly evaluations: readonly Evaluation[];
  readonly skippedReason?: string;
  /** The rule's query failed (reported as a warning); like a skip, its alerts stay as they were. */
  readonly failed?: boolean;
  /** Rows dropped because a required column was missing or the status was not ok/alarm. */
  readonly invalidRows: number;
}

export type AlertStatus = 'open' | 'snoozed' | 'resolved';

export interface AlertInstance {
  readonly id: string;
  readonly rule: string;
  readonly resource: string;
  readonly status: AlertStatus;
  readonly severity: Severity;
  readonly reason: string;
  readonly domain: string | null;
  readonly account_id: string | null;
  readonly owner: string;
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly opened_at: string;
  readonly last_seen_at: string;
  readonly last_notified_at: string | null;
  /** The severity the last notification carried: a rise above it notifies again. */
  readonly notified_severity: Severity | null;
  readonly resolved_at: string | null;
  readonly snoozed_until: string | null;
  /** Notifications created for this instance so far; part of each notification's idempotency key. */
  readonly notifications: number;
}

export type NotificationKind = 'opened' | 'renotify' | 'severity_raised' | 'snooze_ended' | 'resolved';

/** `last_status`: the HTTP status of the last failed attempt, when the destination answered. */
export type DeliveryState =
  | { readonly state: 'pending'; readonly attempts: number; readonly last_error?: string; readonly last_status?: number }
  | { readonly state: 'delivered'; readonly attempts: number; readonly delivered_at: string }
  | { readonly state: 'failed'; readonly attempts: number; readonly last_error: string; readonly last_status?: number };

export interface RunbookRef {
  readonly path: string;
  readonly link: string;
  readonly summary: string;
  readonly confirm: string | null;
}

/** A message to on-call, written to the outbox before any destination is tried. */
export interface Notification {
  /** Idempotency key: the same notification keeps it across retries and runs. */
  readonly id: string;
  readonly alert_id: string;
  readonly kind: NotificationKind;
  readonly rule: string;
  readonly title: string;
  readonly resource: string;
  readonly severity: Severity;
  readonly status: AlertStatus;
  readonly reason: string;
  readonly domain: string | null;
  readonly account_id: string | null;
  readonly owner: string;
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly runbook: RunbookRef;
  readonly created_at: string;
  /** Per destination name. */
  readonly deliveries: Readonly<Record<string, DeliveryState>>;
}

export interface AlertState {
  readonly version: 1;
  readonly updated_at: string | null;
  readonly instances: readonly AlertInstance[];
  readonly outbox: readonly Notification[];
}

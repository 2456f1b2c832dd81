/** What every notification destination implements; the outbox calls `send` once per pending delivery. */
import type { Notification } from '../types.js';

export interface Destination {
  /** Key of its deliveries in the outbox: stable across runs. */
  readonly name: string;
  readonly type: string;
  /** Routing: severity, domain and rule filters from the config. */
  accepts(notification: Omit<Notification, 'deliveries'>): boolean;
  /** Resolves when the destination has the notification; throws DeliveryError otherwise. */
  send(notification: Notification): Promise<void>;
}

/** The notification as receivers see it: everything but the outbox bookkeeping, plus its idempotency key. */
export function publicPayload(notification: Notification): Record<string, unknown> {
  const { deliveries: _deliveries, ...rest } = notification;
  return { idempotency_key: notification.id, ...rest };
}

/** One line for people: what, where, why, and where the runbook is. */
export function headline(notification: Notification): string {
  const verb = notification.kind === 'resolved' ? 'RESOLVED' : notification.kind === 'opened' ? 'ALERT' : 'STILL FIRING';
  return `[${verb}] ${notification.severity.toUpperCase()} ${notification.title}: ${notification.resource}`;
}

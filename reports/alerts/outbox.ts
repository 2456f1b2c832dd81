/**
 * Delivers the outbox: every notification × destination still pending, in the order they were
 * created. Each success is saved before the next send, so a crash re-sends at most the one
 * notification in flight (receivers drop it by its idempotency key). A destination that fails
 * transiently is not tried again in this run; its deliveries wait for the next run. A permanent
 * failure (4xx) is recorded and reported once, and not retried.
 */
import { describeError } from '../../lib/errors.js';
import { redactUrlsIn } from '../../lib/text/redact-url.js';
import type { Destination } from './destinations/destination.js';
import { DeliveryError } from './errors.js';
import type { AlertState, DeliveryState, Notification } from './types.js';

export interface DeliveryFailure {
  readonly destination: string;
  readonly notification: string;
  readonly permanent: boolean;
  readonly message: string;
  /** The HTTP status the destination answered with, if it answered. */
  readonly status?: number;
}

export interface DeliveryReport {
  readonly delivered: number;
  readonly failures: readonly DeliveryFailure[];
  /** Deliveries still pending after this run (retried next run). */
  readonly pending: number;
}

export interface DeliverInput {
  readonly state: AlertState;
  readonly destinations: readonly Destination[];
  readonly now: Date;
  /** Persists the state durably; called after every delivery. */
  readonly save: (state: AlertState) => Promise<void>;
}

export async function deliverOutbox(input: DeliverInput): Promise<{ state: AlertState; report: DeliveryReport }> {
  const byName = new Map(input.destinations.map((destination) => [destination.name, destination]));
  const unavailable = new Set<string>();
  const failures: DeliveryFailure[] = [];
  let delivered = 0;
  let state = input.state;
  const outbox = [...state.outbox];

  for (let index = 0; index < outbox.length; index += 1) {
    for (const [name, delivery] of Object.entries((outbox[index] as Notification).deliveries)) {
      if (delivery.state !== 'pending' || unavailable.has(name)) continue;
      const notification = outbox[index] as Notification;
      const destination = byName.get(name);
      const next = destination
        ? await attempt(destination, notification, delivery, input.now)
        : ({ state: 'failed', attempts: delivery.attempts, last_error: 'destination no longer configured' } as const);
      if (next.state === 'delivered') delivered += 1;
      else {
        failures.push({
          destination: name,
          notification: notification.id,
          permanent: next.state === 'failed',
          message: next.last_error ?? 'unknown error',
          ...(next.last_status === undefined ? {} : { status: next.last_status }),
        });
        if (next.state === 'pending') unavailable.add(name);
      }
      outbox[index] = { ...notification, deliveries: { ...notification.deliveries, [name]: next } };
      state = { ...state, outbox: [...outbox] };
      await input.save(state);
    }
  }
  const remaining = outbox.filter((notification) => Object.values(notification.deliveries).some((d) => d.state === 'pending'));
  if (remaining.length !== outbox.length) {
    state = { ...state, outbox: remaining };
    await input.save(state);
  }
  const pending = remaining.reduce(
    (sum, notification) => sum + Object.values(notification.deliveries).filter((d) => d.state === 'pending').length,
    0,
  );
  return { state, report: { delivered, failures, pending } };
}

async function attempt(
  destination: Destination,
  notification: Notification,
  delivery: DeliveryState,
  now: Date,
): Promise<DeliveryState> {
  const attempts = delivery.attempts + 1;
  try {
    await destination.send(notification);
    return { state: 'delivered', attempts, delivered_at: now.toISOString() };
  } catch (error) {
    // Redacted here too, whatever the destination: this text is saved in state.json and printed.
    const message = redactUrlsIn(error instanceof DeliveryError ? error.message : describeError(error));
    const status = error instanceof DeliveryError ? error.context.status : undefined;
    const answered = typeof status === 'number' ? { last_status: status } : {};
    if (error instanceof DeliveryError && error.permanent) return { state: 'failed', attempts, last_error: message, ...answered };
    return { state: 'pending', attempts, last_error: message, ...answered };
  }
}

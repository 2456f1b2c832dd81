/**
 * Snoozing: an open alert stays quiet until a given time; if it is still alarming then, it
 * notifies again ("snooze_ended"). An alert that clears while snoozed resolves as usual.
 */
import { UsageError } from '../../lib/errors.js';
import type { LakeLayout } from '../../lib/lake/layout.js';
import { ACCEPTED_TIME_FORMS, parsePeriod } from '../../lib/time/window.js';
import { loadAlertState, saveAlertState } from './state-store.js';
import type { AlertInstance, AlertState } from './types.js';

const FORWARD_DURATION = /^(\d+)([hdw])$/;
const HOURS = { h: 1, d: 24, w: 168 } as const;

/** `--until`: a duration from now (4h, 2d, 1w) or an instant (2026-11-02, 2026-11-02T09:00:00Z). */
export function parseSnoozeUntil(text: string, now: Date): Date {
  const duration = FORWARD_DURATION.exec(text.trim().toLowerCase());
  const until = duration
    ? new Date(now.getTime() + Number(duration[1]) * HOURS[duration[2] as keyof typeof HOURS] * 3_600_000)
    : parsePeriod(text, now).start;
  if (until.getTime() <= now.getTime()) {
    throw new UsageError(`--until ${text} (${until.toISOString()}) is not in the future (now is ${now.toISOString()})`, {
      hint: `use a duration such as 4h or 2d, or ${ACCEPTED_TIME_FORMS}`,
    });
  }
  return until;
}

/** Finds one alert by its id or a unique prefix of it (at least 4 characters). */
export function findAlert(state: AlertState, idOrPrefix: string): AlertInstance {
  const wanted = idOrPrefix.trim().toLowerCase();
  const matches = wanted.length >= 4 ? state.instances.filter((instance) => instance.id.startsWith(wanted)) : [];
  if (matches.length === 1) return matches[0] as AlertInstance;
  throw new UsageError(matches.length === 0 ? `no alert with id ${idOrPrefix}` : `alert id ${idOrPrefix} is ambiguous`, {
    hint: matches.length === 0 ? 'list alert ids with: meshwatch alerts' : 'give more characters of the id',
  });
}

export async function snoozeAlert(layout: LakeLayout, idOrPrefix: string, until: Date): Promise<AlertInstance> {
  const state = await loadAlertState(layout);
  const alert = findAlert(state, idOrPrefix);
  if (alert.status === 'resolved') {
    throw new UsageError(`alert ${alert.id} is resolved; there is nothing to snooze`, {
      hint: 'list open alerts with: meshwatch alerts',
    });
  }
  const snoozed: AlertInstance = { ...alert, status: 'snoozed', snoozed_until: until.toISOString() };
  await saveAlertState(layout, {
    ...state,
    instances: state.instances.map((instance) => (instance.id === alert.id ? snoozed : instance)),
  });
  return snoozed;
}

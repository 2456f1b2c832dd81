/**
 * Alert state lives in the lake as one JSON document, `<lake>/_state/alerts/state.json`, holding
 * both the alert instances and the outbox. Writing both in one atomic rename is what makes a run
 * crash-safe: a lifecycle change and the notifications it owes are committed together, before any
 * destination is called, so a crash afterwards neither loses nor invents a notification.
 */
import { readFile } from 'node:fs/promises';
import { AlertError } from '../../lib/errors.js';
import { writeFileAtomic } from '../../lib/lake/atomic.js';
import type { LakeLayout } from '../../lib/lake/layout.js';
import type { AlertState } from './types.js';

export function alertStatePath(layout: LakeLayout): string {
  return layout.statePath('alerts', 'state.json');
}

export function emptyAlertState(): AlertState {
  return { version: 1, updated_at: null, instances: [], outbox: [] };
}

export async function loadAlertState(layout: LakeLayout): Promise<AlertState> {
  const path = alertStatePath(layout);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return emptyAlertState();
    throw new AlertError('cannot read the alert state', { cause, context: { file: path } });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    // Starting from empty would page on-call again for every open alert: refuse instead.
    throw new AlertError('the alert state file is not valid JSON', {
      cause,
      context: { file: path },
      hint: 'restore it from a backup, or move it aside to start over (every open alert will notify again)',
    });
  }
  const state = parsed as Partial<AlertState>;
  if (state.version !== 1 || !Array.isArray(state.instances) || !Array.isArray(state.outbox)) {
    throw new AlertError('the alert state file has an unknown shape', {
      context: { file: path },
      hint: 'it was written by another meshwatch version; move it aside to start over',
    });
  }
  return state as AlertState;
}

export async function saveAlertState(layout: LakeLayout, state: AlertState): Promise<void> {
  const path = alertStatePath(layout);
  try {
    await writeFileAtomic(path, `${JSON.stringify(state, null, 1)}\n`);
  } catch (cause) {
    throw new AlertError('cannot write the alert state', { cause, context: { file: path } });
  }
}

/**
 * Alert instances for the on-call page, from the alert state the alerts stage keeps in the lake
 * (`<lake>/_state/alerts/state.json`, see reports/alerts/state-store.ts): open and snoozed alerts,
 * most severe first, and the most recent resolutions. Each names the runbook page the build adds.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { lakeLayout } from '../../lib/lake/layout.js';
import { alertStatePath, loadAlertState } from '../../reports/alerts/state-store.js';
import type { AlertInstance } from '../../reports/alerts/types.js';
import { lakeFromEnvironment } from './environment.js';

const SEVERITY_ORDER: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3 };
const RECENT_RESOLUTIONS = 20;

export interface AlertRow extends AlertInstance {
  /** Site path of the rule's runbook page. */
  readonly runbook: string;
}

export interface AlertsView {
  readonly available: boolean;
  readonly updated_at: string | null;
  readonly open: readonly AlertRow[];
  readonly resolved: readonly AlertRow[];
}

export async function readAlerts(lake: string = lakeFromEnvironment()): Promise<AlertsView> {
  const layout = lakeLayout(lake);
  const present = await access(alertStatePath(layout)).then(
    () => true,
    () => false,
  );
  if (!present) return { available: false, updated_at: null, open: [], resolved: [] };
  const state = await loadAlertState(layout);
  const rows = state.instances.map((instance) => ({ ...instance, runbook: join('/runbooks', instance.rule) }));
  const open = rows
    .filter((row) => row.status !== 'resolved')
    .sort(
      (a, b) => (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || a.opened_at.localeCompare(b.opened_at),
    );
  const resolved = rows
    .filter((row) => row.status === 'resolved')
    .sort((a, b) => String(b.resolved_at).localeCompare(String(a.resolved_at)))
    .slice(0, RECENT_RESOLUTIONS);
  return { available: true, updated_at: state.updated_at, open, resolved };
}

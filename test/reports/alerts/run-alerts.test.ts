import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathExists } from '../../../lib/lake/atomic.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { lakeLayout } from '../../../lib/lake/layout.js';
import type { Destination } from '../../../reports/alerts/destinations/destination.js';
import { DeliveryError } from '../../../reports/alerts/errors.js';
import { evaluateAlerts, runAlerts, toStageResult } from '../../../reports/alerts/index.js';
import { RULES_DIR } from '../../../reports/alerts/rule-catalog.js';
import { snoozeAlert } from '../../../reports/alerts/snooze.js';
import { alertStatePath, loadAlertState } from '../../../reports/alerts/state-store.js';
import type { Notification } from '../../../reports/alerts/types.js';
import { contextFor, tempLakeDir, writeMarts } from './fixtures.js';

interface Recorder extends Destination {
  readonly received: Notification[];
  failWith?: DeliveryError;
}

function recorder(name: string): Recorder {
  const destination: Recorder = {
    name,
    type: 'test',
    received: [],
    accepts: () => true,
    async send(notification) {
      if (destination.failWith) throw destination.failWith;
      destination.received.push(notification);
    },
  };
  return destination;
}

const product = (name: string, status: string) => ({
  product: name,
  table_fqn: name.replace('.', '_db.'),
  domain: 'sales',
  account_id: '311111111111',
  max_lag_hours: 26,
  lag_hours: status === 'breached' ? 80 : 3,
  last_update_at: '2026-10-27T16:00:00',
  status,
});

const drift = {
  drift_id: 'd1',
  kind: 'external',
  severity: 'critical',
  account_id: '311111111111',
  domain: 'sales',
  principal: '999999999999',
  resource: 'table:sales_db.customers',
  permissions: ['SELECT'],
};

async function lakeWithBreach() {
  const lake = await tempLakeDir();
  await writeMarts(lake, {
    product_freshness: [product('sales.orders', 'breached'), product('sales.customers', 'fresh')],
    grant_drift: [drift],
  });
  return lake;
}

const kinds = (notifications: readonly Notification[]) => notifications.map((n) => `${n.kind} ${n.rule} ${n.resource}`).sort();

describe('evaluateAlerts', () => {
  it('opens and notifies once, sends nothing on a second run, and resolves once when new data clears the breach', async () => {
    const lake = await lakeWithBreach();
    const ctx = contextFor(lake);
    const stdout = recorder('stdout');
    const deps = { destinations: { destinations: [stdout], metricSinks: [] } };

    const first = await evaluateAlerts(ctx, {}, deps);
    expect(kinds(stdout.received)).toEqual([
      'opened freshness_sla_breached sales.orders',
      'opened grant_drift_detected 311111111111|999999999999|table:sales_db.customers',
    ]);
    expect(first.open).toHaveLength(2);

    await evaluateAlerts(ctx, {}, deps);
    expect(stdout.received).toHaveLength(2);

    await writeMarts(lake, {
      product_freshness: [product('sales.orders', 'fresh'), product('sales.customers', 'fresh')],
      grant_drift: [drift],
    });
    const third = await evaluateAlerts(ctx, {}, deps);
    expect(kinds(stdout.received.slice(2))).toEqual(['resolved freshness_sla_breached sales.orders']);
    expect(third.open.map((alert) => alert.rule)).toEqual(['grant_drift_detected']);
    await evaluateAlerts(ctx, {}, deps);
    expect(stdout.received).toHaveLength(3);
    expect((await loadAlertState(ctx.layout)).outbox).toEqual([]);
  });

  it('in a dry run reports what would be sent, and neither sends nor writes state', async () => {
    const lake = await lakeWithBreach();
    const ctx = contextFor(lake);
    const stdout = recorder('stdout');
    const dry = await evaluateAlerts(ctx, { dryRun: true }, { destinations: { destinations: [stdout], metricSinks: [] } });
    expect(dry.notifications).toHaveLength(2);
    expect(stdout.received).toEqual([]);
    expect(await pathExists(alertStatePath(ctx.layout))).toBe(false);
  });

  it('after a crash between the outbox write and the sends, the next run delivers each notification exactly once', async () => {
    const lake = await lakeWithBreach();
    const ctx = contextFor(lake);
    const stdout = recorder('stdout');
    const destinations = { destinations: [stdout], metricSinks: [] };
    const crash = () => {
      throw new Error('simulated crash after the outbox write');
    };
    await expect(evaluateAlerts(ctx, {}, { destinations, afterCommit: crash })).rejects.toThrow('simulated crash');
    expect(stdout.received).toEqual([]);
    const pending = await loadAlertState(ctx.layout);
    expect(pending.outbox.map((n) => n.deliveries.stdout?.state)).toEqual(['pending', 'pending']);

    const rerun = await evaluateAlerts(ctx, {}, { destinations });
    expect(rerun.notifications).toEqual([]); // nothing new was created: the lifecycle change was already committed
    expect(stdout.received.map((n) => n.id).sort()).toEqual(pending.outbox.map((n) => n.id).sort());
    await evaluateAlerts(ctx, {}, { destinations });
    expect(stdout.received).toHaveLength(2);
  });

  it('delivers to the healthy destinations when one fails, reports the failure and retries it on the next run', async () => {
    const lake = await lakeWithBreach();
    const ctx = contextFor(lake);
    const stdout = recorder('stdout');
    const slack = recorder('slack');
    slack.failWith = new DeliveryError('destination slack failed after 4 attempts: HTTP 503', false);
    const destinations = { destinations: [slack, stdout], metricSinks: [] };

    const first = await evaluateAlerts(ctx, {}, { destinations });
    expect(stdout.received).toHaveLength(2);
    expect(slack.received).toEqual([]);
    expect(first.delivery?.failures.map((f) => [f.destination, f.permanent])).toEqual([['slack', false]]);
    expect(first.delivery?.pending).toBe(2);

    slack.failWith = undefined;
    const second = await evaluateAlerts(ctx, {}, { destinations });
    expect(slack.received.map((n) => n.id).sort()).toEqual(stdout.received.map((n) => n.id).sort());
    expect(stdout.received).toHaveLength(2);
    expect(second.delivery).toEqual({ delivered: 2, failures: [], pending: 0 });
  });

  it('gives up on a permanent (4xx) failure: reported once, not retried', async () => {
    const lake = await lakeWithBreach();
    const ctx = contextFor(lake);
    const hook = recorder('hook');
    hook.failWith = new DeliveryError('destination hook rejected notification: HTTP 400', true);
    const destinations = { destinations: [hook], metricSinks: [] };
    const first = await evaluateAlerts(ctx, {}, { destinations });
    expect(first.delivery?.failures.map((f) => f.permanent)).toEqual([true, true]);
    hook.failWith = undefined;
    const second = await evaluateAlerts(ctx, {}, { destinations });
    expect(hook.received).toEqual([]);
    expect(second.delivery).toEqual({ delivered: 0, failures: [], pending: 0 });
  });

  it('keeps open alerts of a rule whose mart is missing instead of resolving them', async () => {
    const lake = await lakeWithBreach();
    const ctx = contextFor(lake);
    const stdout = recorder('stdout');
    const destinations = { destinations: [stdout], metricSinks: [] };
    await evaluateAlerts(ctx, {}, { destinations });
    const db = await openDatabase(lakeLayout(lake).databaseFile);
    await db.run('DROP TABLE product_freshness');
    db.close();
    const run = await evaluateAlerts(ctx, {}, { destinations });
    expect(run.outcomes.find((o) => o.ruleId === 'freshness_sla_breached')?.skippedReason).toContain('product_freshness');
    expect(run.open.map((alert) => alert.rule).sort()).toEqual(['freshness_sla_breached', 'grant_drift_detected']);
    expect(stdout.received).toHaveLength(2);
  });

  it('stays quiet for a snoozed alert until the snooze ends', async () => {
    const lake = await lakeWithBreach();
    const stdout = recorder('stdout');
    const destinations = { destinations: [stdout], metricSinks: [] };
    const quiet = 'alerts: { renotify_after_hours: 0 }\n';
    const first = await evaluateAlerts(contextFor(lake, quiet), {}, { destinations });
    const orders = first.open.find((alert) => alert.resource === 'sales.orders')!;
    await snoozeAlert(lakeLayout(lake), orders.id.slice(0, 6), new Date('2026-11-01T00:00:00Z'));
    await evaluateAlerts(contextFor(lake, quiet, '2026-10-31T12:00:00Z'), {}, { destinations });
    expect(stdout.received).toHaveLength(2);
    await evaluateAlerts(contextFor(lake, quiet, '2026-11-01T00:00:00Z'), {}, { destinations });
    expect(kinds(stdout.received.slice(2))).toEqual(['snooze_ended freshness_sla_breached sales.orders']);
  });
  it('reports a rule whose query fails and still evaluates the others', async () => {
    const lake = await lakeWithBreach();
    const rulesDir = join(lake, 'rules');
    await cp(join(RULES_DIR, 'freshness_sla_breached'), join(rulesDir, 'freshness_sla_breached'), { recursive: true });
    await mkdir(join(rulesDir, 'broken_rule'), { recursive: true });
    await writeFile(
      join(rulesDir, 'broken_rule', 'rule.yaml'),
      'id: broken_rule\ntitle: Broken\nseverity: low\nsummary: s\nowner: { team: x }\ninputs: [grant_drift]\n',
    );
    await writeFile(join(rulesDir, 'broken_rule', 'query.sql'), 'SELECT no_such_column AS resource FROM grant_drift');
    await writeFile(join(rulesDir, 'broken_rule', 'runbook.md'), '# broken\n');
    const ctx = contextFor(lake);
    const stdout = recorder('stdout');
    const run = await evaluateAlerts(ctx, {}, { rulesDir, destinations: { destinations: [stdout], metricSinks: [] } });
    expect(kinds(stdout.received)).toEqual(['opened freshness_sla_breached sales.orders']);
    const stage = toStageResult(ctx, run);
    expect(stage.warnings).toBe(1);
    expect(stage.notes.join('\n')).toMatch(/rule broken_rule skipped: failed: AlertError: rule broken_rule failed to evaluate/);
  });
});

describe('runAlerts', () => {
  it('writes notifications to the configured JSONL file with idempotency keys and sums the run up', async () => {
    const lake = await lakeWithBreach();
    const ctx = contextFor(lake, 'alerts:\n  destinations:\n    - { type: jsonl, path: out/alerts.jsonl }\n');
    const result = await runAlerts(ctx);
    const lines = (await readFile(join(lake, 'out', 'alerts.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.kind)).toEqual(['opened', 'opened']);
    expect(lines.every((line) => typeof line.idempotency_key === 'string' && line.deliveries === undefined)).toBe(true);
    expect(result.stage).toBe('alerts');
    expect(result.outputs[0]).toMatchObject({ rows: 2 });
    expect(result.notes[0]).toContain('2 opened');
    expect(result.warnings).toBe(0);
  });
});

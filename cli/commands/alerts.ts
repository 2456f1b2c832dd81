/**
 * `meshwatch alerts`            open alerts (table/json/csv)
 * `meshwatch alerts --dry-run`  evaluate every rule now and show what would change and notify
 * `meshwatch alerts run`        evaluate, update the alert state and notify the destinations
 *                               (exit 1 when no destination accepted a notification; --strict: when any failed)
 * `meshwatch alerts snooze <id> --until <time>`
 * `meshwatch alerts rules`      the rules with their effective parameters
 */
import type { Command } from 'commander';
import type { RunContext } from '../../lib/context.js';
import { withLakeLock } from '../../lib/lake/lock.js';
import { type ColumnSpec, formatRows, type OutputFormat, type OutputRow, parseOutputFormat } from '../../lib/output/format.js';
import { writeOutput } from '../../lib/output/write.js';
import { enforceDelivery } from '../../reports/alerts/delivery-verdict.js';
import { evaluateAlerts, loadAlertState, runbookRef, toStageResult } from '../../reports/alerts/index.js';
import { loadRules } from '../../reports/alerts/rule-catalog.js';
import { resolveRuleSettings } from '../../reports/alerts/rule-params.js';
import { parseSnoozeUntil, snoozeAlert } from '../../reports/alerts/snooze.js';
import type { AlertInstance } from '../../reports/alerts/types.js';
import { ensureMartsLocked } from '../../transforms/ensure-marts-locked.js';
import { ensureMarts, ifStaleFromFlag } from '../../transforms/index.js';
import { contextFor } from '../context.js';
import { printStageResults } from '../summary.js';

interface ListFlags {
  readonly format?: string;
  readonly out?: string;
  readonly dryRun?: boolean;
  readonly all?: boolean;
  readonly transform?: boolean;
}

const ALERT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id' },
  { name: 'status' },
  { name: 'severity' },
  { name: 'rule' },
  { name: 'resource' },
  { name: 'domain' },
  { name: 'owner' },
  { name: 'opened_at' },
  { name: 'snoozed_until' },
  { name: 'reason' },
];

export function register(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('open alerts; `alerts run` evaluates the rules and notifies, `alerts --dry-run` shows what it would do')
    .option('--dry-run', 'evaluate every rule now and show what would open, resolve and notify; changes nothing')
    .option('--all', 'include resolved alerts')
    .option('-f, --format <format>', 'table | json | csv (default: table on a terminal, json when piped)')
    .option('-o, --out <file>', 'write the result to a file instead of stdout')
    .option('--no-transform', 'with --dry-run: refuse (exit 1) instead of rebuilding the marts when they are not current')
    .action(async (flags: ListFlags, command: Command) => {
      const format = parseOutputFormat(flags.format, undefined, flags.out) as OutputFormat;
      const ctx = await contextFor(command);
      const rows = flags.dryRun ? await dryRunRows(ctx, flags) : await listRows(ctx, Boolean(flags.all));
      const columns = flags.dryRun ? [{ name: 'would_notify' }, ...ALERT_COLUMNS] : ALERT_COLUMNS;
      await writeOutput(formatRows(rows, format, columns), flags.out);
    });

  alerts
    .command('run')
    .description('evaluate the rules, update alert state and deliver notifications (and CloudWatch metrics)')
    .option('--strict', 'exit 1 when any notification was not delivered (default: only when none was)')
    .option('--no-transform', 'refuse (exit 1) instead of rebuilding the marts when they are not current')
    .action(async (flags: { strict?: boolean }, command: Command) => {
      const ctx = await contextFor(command);
      // Rules must see current marts: stale ones resolve alerts that still fire (issue #18). The
      // `alerts` command parses --no-transform wherever it stands, hence optsWithGlobals.
      const { transform } = command.optsWithGlobals<{ transform?: boolean }>();
      const run = await withLakeLock(ctx, 'alerts run', async () => {
        await ensureMarts(ctx, { ifStale: ifStaleFromFlag(transform) });
        return evaluateAlerts(ctx);
      });
      await printStageResults(ctx, [toStageResult(ctx, run)]);
      enforceDelivery(run.delivery, { strict: Boolean(flags.strict), logger: ctx.logger });
    });

  alerts
    .command('snooze')
    .description('silence an open alert until a time; it notifies again then if still firing')
    .argument('<id>', 'alert id (or a unique prefix of at least 4 characters), from `meshwatch alerts`')
    .requiredOption('--until <time>', 'a duration from now (4h, 2d, 1w) or a time (2026-11-02T09:00:00Z)')
    .action(async (id: string, flags: { until: string }, command: Command) => {
      const ctx = await contextFor(command);
      const until = parseSnoozeUntil(flags.until, ctx.now);
      // The state is read, changed and written back: under the lock, so an `alerts run` saving its
      // own copy meanwhile cannot overwrite the snooze.
      const snoozed = await withLakeLock(ctx, 'alerts snooze', () => snoozeAlert(ctx.layout, id, until));
      ctx.logger.info(`alert ${snoozed.id} (${snoozed.rule}: ${snoozed.resource}) snoozed until ${snoozed.snoozed_until}`);
    });

  alerts
    .command('rules')
    .description('the alert rules, their severity, owner routing, parameters and runbooks')
    .option('-f, --format <format>', 'table | json | csv')
    .action(async (flags: { format?: string }, command: Command) => {
      const format = parseOutputFormat(flags.format) as OutputFormat;
      const ctx = await contextFor(command);
      const rules = await loadRules();
      const settings = resolveRuleSettings(rules, ctx.config.alerts.rules);
      const rows = rules.map((rule) => ({
        rule: rule.id,
        enabled: settings.get(rule.id)?.enabled ?? true,
        severity: rule.severity,
        owner: 'team' in rule.owner ? rule.owner.team : 'by domain',
        inputs: rule.inputs.join(', '),
        params: settings.get(rule.id)?.params ?? {},
        runbook: runbookRef(rule, ctx.config.alerts.runbook_base_url).path,
      }));
      await writeOutput(formatRows(rows, format));
    });
}

async function listRows(ctx: RunContext, includeResolved: boolean): Promise<OutputRow[]> {
  const state = await loadAlertState(ctx.layout);
  const pending = state.outbox.length;
  if (pending > 0) ctx.logger.warn(`${pending} notification(s) wait in the outbox; \`meshwatch alerts run\` delivers them`);
  return sortAlerts(state.instances.filter((instance) => includeResolved || instance.status !== 'resolved')).map(toRow);
}

async function dryRunRows(ctx: RunContext, flags: ListFlags): Promise<OutputRow[]> {
  await ensureMartsLocked(ctx, { ifStale: ifStaleFromFlag(flags.transform) });
  const run = await evaluateAlerts(ctx, { dryRun: true });
  const kinds = new Map(run.notifications.map((notification) => [notification.alert_id, notification.kind]));
  const rows = run.state.instances.filter((instance) => instance.status !== 'resolved' || kinds.has(instance.id));
  for (const line of toStageResult(ctx, run).notes) ctx.logger.info(`alerts: ${line}`);
  return sortAlerts(rows).map((instance) => ({ would_notify: kinds.get(instance.id) ?? '', ...toRow(instance) }));
}

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

function sortAlerts(instances: readonly AlertInstance[]): AlertInstance[] {
  return [...instances].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.rule.localeCompare(b.rule) ||
      a.resource.localeCompare(b.resource),
  );
}

function toRow(instance: AlertInstance): OutputRow {
  return {
    id: instance.id,
    status: instance.status,
    severity: instance.severity,
    rule: instance.rule,
    resource: instance.resource,
    domain: instance.domain,
    owner: instance.owner,
    opened_at: instance.opened_at,
    snoozed_until: instance.snoozed_until,
    reason: instance.reason,
  };
}

/**
 * The alerting stage, run after the transforms: evaluate every rule over the marts, move alert
 * instances through their lifecycle, commit state and outbox together, then deliver the outbox
 * and publish CloudWatch metrics. `dryRun` evaluates and reports what would be sent, changing
 * nothing and sending nothing.
 */
import type { RunContext, StageResult } from '../../lib/context.js';
import { AlertError, describeError } from '../../lib/errors.js';
import { pathExists } from '../../lib/lake/atomic.js';
import type { Database } from '../../lib/lake/duckdb.js';
import { createDestinations, type DestinationSet } from './destinations/index.js';
import { evaluateRule } from './evaluate.js';
import { applyEvaluations, type LifecycleChanges } from './lifecycle.js';
import { collectMetrics, type MetricPoint } from './metrics/collect-metrics.js';
import { type DeliveryReport, deliverOutbox } from './outbox.js';
import { loadRules, RULES_DIR, type RuleDefinition } from './rule-catalog.js';
import { resolveRuleSettings } from './rule-params.js';
import { toStageResult } from './stage-result.js';
import { loadAlertState, saveAlertState } from './state-store.js';
import type { AlertInstance, AlertState, Notification, RuleOutcome, RunbookRef } from './types.js';

export { loadAlertState } from './state-store.js';
export type { AlertInstance, Notification } from './types.js';
export { toStageResult };

export interface AlertRunOptions {
  readonly dryRun?: boolean;
}

/** Seams for tests and embedding: other rules, other destinations, a crash after the commit. */
export interface AlertStageDeps {
  readonly rulesDir?: string;
  readonly destinations?: DestinationSet;
  /** Called after state and outbox are durably written, before any destination is tried. */
  readonly afterCommit?: () => Promise<void> | void;
}

export interface AlertRunSummary {
  readonly dryRun: boolean;
  readonly outcomes: readonly RuleOutcome[];
  readonly changes: LifecycleChanges;
  /** Notifications this run created (in a dry run: would create). */
  readonly notifications: readonly Notification[];
  readonly delivery: DeliveryReport | null;
  readonly open: readonly AlertInstance[];
  readonly metrics: { readonly sent: number; readonly notes: readonly string[] };
  readonly state: AlertState;
}

export async function runAlerts(ctx: RunContext, options: AlertRunOptions = {}): Promise<StageResult> {
  return toStageResult(ctx, await evaluateAlerts(ctx, options));
}

export async function evaluateAlerts(
  ctx: RunContext,
  options: AlertRunOptions = {},
  deps: AlertStageDeps = {},
): Promise<AlertRunSummary> {
  const dryRun = options.dryRun ?? false;
  const rules = await loadRules(deps.rulesDir ?? RULES_DIR);
  const settings = resolveRuleSettings(rules, ctx.config.alerts.rules);
  const destinationSet = deps.destinations ?? createDestinations(ctx);
  const { outcomes, metricPoints, metricNotes } = await readLake(
    ctx,
    rules,
    settings,
    !dryRun && destinationSet.metricSinks.length > 0,
  );

  const previous = await loadAlertState(ctx.layout);
  const lifecycle = applyEvaluations({
    state: previous,
    outcomes,
    now: ctx.now,
    rules: new Map(rules.map((rule) => [rule.id, rule])),
    renotifyAfterHours: ctx.config.alerts.renotify_after_hours,
    runbookFor: (rule) => runbookRef(rule, ctx.config.alerts.runbook_base_url),
    routeTo: (notification) => destinationSet.destinations.filter((d) => d.accepts(notification)).map((d) => d.name),
  });
  if (dryRun) {
    return summary({ dryRun, outcomes, lifecycle, delivery: null, state: lifecycle.state, metrics: { sent: 0, notes: [] } });
  }

  // The commit point: lifecycle changes and the notifications they owe, in one atomic write.
  await saveAlertState(ctx.layout, lifecycle.state);
  await deps.afterCommit?.();
  const delivered = await deliverOutbox({
    state: lifecycle.state,
    destinations: destinationSet.destinations,
    now: ctx.now,
    save: (state) => saveAlertState(ctx.layout, state),
  });
  const openPoints = openAlertPoints(delivered.state, outcomes, ctx.now);
  const metrics = await publishMetrics(destinationSet, [...metricPoints, ...openPoints], metricNotes);
  return summary({ dryRun, outcomes, lifecycle, delivery: delivered.report, state: delivered.state, metrics });
}

async function readLake(
  ctx: RunContext,
  rules: readonly RuleDefinition[],
  settings: ReturnType<typeof resolveRuleSettings>,
  withMetrics: boolean,
): Promise<{ outcomes: RuleOutcome[]; metricPoints: MetricPoint[]; metricNotes: string[] }> {
  if (!(await pathExists(ctx.layout.databaseFile))) {
    const outcomes = rules.map((rule) => skipped(rule.id, 'no lake database yet (run meshwatch transform)'));
    return { outcomes, metricPoints: [], metricNotes: [] };
  }
  const db: Database = await ctx.openLakeDatabase({ readOnly: true });
  try {
    const outcomes: RuleOutcome[] = [];
    for (const rule of rules) {
      const ruleSettings = settings.get(rule.id);
      if (!ruleSettings?.enabled) {
        outcomes.push(skipped(rule.id, 'disabled in config'));
        continue;
      }
      outcomes.push(
        await evaluateOrReport(rule, () => evaluateRule({ db, rule, settings: ruleSettings, now: ctx.now, config: ctx.config })),
      );
    }
    if (!withMetrics) return { outcomes, metricPoints: [], metricNotes: [] };
    const metrics = await collectMetrics(db, ctx.now).catch((error: unknown) => ({
      points: [],
      skipped: [`all (${describeError(error)})`],
    }));
    return { outcomes, metricPoints: metrics.points, metricNotes: metrics.skipped.map((name) => `metric ${name} skipped`) };
  } finally {
    db.close();
  }
}

function skipped(ruleId: string, reason: string, failed = false): RuleOutcome {
  return { ruleId, evaluated: false, evaluations: [], invalidRows: 0, skippedReason: reason, ...(failed ? { failed } : {}) };
}

/** One broken rule (a mart column renamed, a SQL error) is reported and skipped; the others still run. */
async function evaluateOrReport(rule: RuleDefinition, evaluate: () => Promise<RuleOutcome>): Promise<RuleOutcome> {
  try {
    return await evaluate();
  } catch (error) {
    if (!(error instanceof AlertError)) throw error;
    return skipped(rule.id, `failed: ${describeError(error)}`, true);
  }
}

/** Open alerts per evaluated rule, zeros included, so a graph drops back when alerts resolve. */
function openAlertPoints(state: AlertState, outcomes: readonly RuleOutcome[], now: Date): MetricPoint[] {
  return outcomes
    .filter((outcome) => outcome.evaluated)
    .map((outcome) => ({
      name: 'OpenAlerts',
      unit: 'Count' as const,
      value: state.instances.filter((instance) => instance.rule === outcome.ruleId && instance.status !== 'resolved').length,
      measuredAt: now,
      dimensions: { Rule: outcome.ruleId },
    }));
}

async function publishMetrics(set: DestinationSet, points: readonly MetricPoint[], notes: string[]) {
  let sent = 0;
  const lines = [...notes];
  for (const sink of set.metricSinks) {
    try {
      const result = await sink.publish(points);
      sent += result.sent;
      lines.push(
        `${sink.name}: ${result.sent} metric data point(s) in ${result.requests} request(s)${
          result.droppedNonFinite ? `, ${result.droppedNonFinite} non-finite dropped` : ''
        }${result.timestampsOmitted ? `, ${result.timestampsOmitted} without timestamp (older than 2 weeks)` : ''}`,
      );
    } catch (error) {
      lines.push(`warning: ${(error as Error).message}`);
    }
  }
  return { sent, notes: lines };
}

export function runbookRef(rule: RuleDefinition, baseUrl?: string): RunbookRef {
  const relativePath = `reports/alerts/rules/${rule.id}/runbook.md`;
  return {
    path: relativePath,
    link: baseUrl ? `${baseUrl.replace(/\/+$/, '')}/${rule.id}/runbook.md` : rule.runbookPath,
    summary: rule.summary,
    confirm: rule.confirmCommand,
  };
}

function summary(parts: {
  dryRun: boolean;
  outcomes: readonly RuleOutcome[];
  lifecycle: ReturnType<typeof applyEvaluations>;
  delivery: DeliveryReport | null;
  state: AlertState;
  metrics: { sent: number; notes: readonly string[] };
}): AlertRunSummary {
  return {
    dryRun: parts.dryRun,
    outcomes: parts.outcomes,
    changes: parts.lifecycle.changes,
    notifications: parts.lifecycle.notifications,
    delivery: parts.delivery,
    open: parts.state.instances.filter((instance) => instance.status !== 'resolved'),
    metrics: parts.metrics,
    state: parts.state,
  };
}

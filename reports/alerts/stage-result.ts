/** The alert stage's account of a run for the pipeline summary: counts, skipped rules, delivery problems. */
import type { RunContext, StageResult } from '../../lib/context.js';
import type { AlertRunSummary } from './index.js';
import { alertStatePath } from './state-store.js';

export function toStageResult(ctx: RunContext, run: AlertRunSummary): StageResult {
  const notes: string[] = [];
  const evaluated = run.outcomes.filter((outcome) => outcome.evaluated);
  notes.push(
    `${evaluated.length}/${run.outcomes.length} rules evaluated; ${run.open.length} open alert(s); ` +
      `${run.changes.opened} opened, ${run.changes.resolved} resolved, ${run.changes.renotified} re-notified` +
      (run.dryRun ? ` (dry run: ${run.notifications.length} notification(s) would be sent, nothing changed)` : ''),
  );
  for (const outcome of run.outcomes) {
    if (!outcome.evaluated) notes.push(`rule ${outcome.ruleId} skipped: ${outcome.skippedReason}`);
    if (outcome.invalidRows > 0)
      notes.push(`rule ${outcome.ruleId}: ${outcome.invalidRows} row(s) without resource/status ok|alarm ignored`);
  }
  let warnings = run.outcomes.reduce((sum, outcome) => sum + (outcome.invalidRows > 0 || outcome.failed ? 1 : 0), 0);
  if (run.delivery) {
    notes.push(
      `${run.delivery.delivered} delivery(ies) made${run.delivery.pending ? `, ${run.delivery.pending} pending for the next run` : ''}`,
    );
    for (const failure of run.delivery.failures) {
      notes.push(`${failure.permanent ? 'not delivered (gave up)' : 'delivery failed, will retry'}: ${failure.message}`);
    }
    warnings += run.delivery.failures.length;
  }
  for (const note of run.metrics.notes) {
    notes.push(note);
    if (note.startsWith('warning:')) warnings += 1;
  }
  return {
    stage: 'alerts',
    outputs: [{ name: 'alerts (open)', rows: run.open.length, path: alertStatePath(ctx.layout) }],
    notes,
    warnings,
  };
}

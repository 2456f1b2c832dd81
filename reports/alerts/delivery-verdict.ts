/**
 * What `meshwatch alerts run` says about delivery, and its exit code: a run whose notifications no
 * destination accepted must not look like an all-clear to the scheduler (exit 1); a partial
 * delivery is a warning with the counts (exit 0, or 1 with --strict). Nothing owed is success.
 */
import { AlertError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { DeliveryReport } from './outbox.js';

export interface DeliveryCounts {
  /** Deliveries this run owed: made, still pending, or given up. */
  readonly owed: number;
  readonly delivered: number;
  readonly pending: number;
  readonly gaveUp: number;
}

export function deliveryCounts(report: DeliveryReport): DeliveryCounts {
  const gaveUp = report.failures.filter((failure) => failure.permanent).length;
  return { owed: report.delivered + report.pending + gaveUp, delivered: report.delivered, pending: report.pending, gaveUp };
}

function describeCounts(counts: DeliveryCounts): string {
  return `${counts.delivered} of ${counts.owed} delivery(ies) made; ${counts.pending} pending for the next run, ${counts.gaveUp} given up`;
}

/** Throws (exit 1) when nothing was delivered of what was owed, or with `strict` when anything was not; else warns. */
export function enforceDelivery(report: DeliveryReport | null, options: { strict: boolean; logger: Logger }): void {
  if (!report) return;
  const counts = deliveryCounts(report);
  if (counts.delivered === counts.owed) return;
  const hint =
    'see the delivery messages above; pending notifications stay in the outbox and `meshwatch alerts run` sends them again';
  if (counts.delivered === 0) {
    throw new AlertError(`no destination accepted a notification: ${describeCounts(counts)}`, { hint });
  }
  if (options.strict) throw new AlertError(`partial delivery (--strict): ${describeCounts(counts)}`, { hint });
  options.logger.warn(`alerts: partial delivery: ${describeCounts(counts)}`);
}

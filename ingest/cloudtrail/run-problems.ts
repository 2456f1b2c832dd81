/**
 * The problems a CloudTrail run counts, each named with its count and where to look, for the run
 * summary (cli/summary.ts). Nothing is counted that is not named here: a summary never says "see
 * above" about a problem no message described.
 */
import type { StageProblem } from '../../lib/context.js';
import { CONFLICTING_DUPLICATE, skippedWhat, type TrailIngestSummary } from './ingest-trail.js';
import type { LookupSummary } from './lookup-events.js';
import { OBJECT_PROBLEM_REASONS } from './parse-log-object.js';

/** How many accounts × regions without a digest are named in the summary line (all are in the warnings). */
const NAMED_SCOPES = 3;

/** `quarantineDir`: where the run's quarantine entries went (`<lake>/_quarantine/cloudtrail`). */
export function trailProblems(location: string, summary: TrailIngestSummary, quarantineDir: string): StageProblem[] {
  const problems: StageProblem[] = [];
  const add = (count: number, what: string) => {
    if (count > 0) problems.push({ count, what: `${what} [${location}]` });
  };
  const byReason = summary.quarantinedByReason;
  const objectReasons = Object.keys(byReason).filter((reason) => OBJECT_REASONS.has(reason));
  const recordReasons = Object.keys(byReason).filter((reason) => !OBJECT_REASONS.has(reason) && reason !== CONFLICTING_DUPLICATE);
  add(summary.objectsQuarantined, `object(s) quarantined whole in ${quarantineDir} (${reasonCounts(byReason, objectReasons)})`);
  add(summary.quarantinedRecords, `record(s) quarantined in ${quarantineDir} (${reasonCounts(byReason, recordReasons)})`);
  add(
    summary.objectsRefused,
    `listed entr(ies) refused unread (an unsafe key or a symlink out of the copy), recorded in ${quarantineDir}`,
  );
  add(
    summary.conflictingDuplicates,
    `event(s) delivered twice with different content: the dropped copies are in ${quarantineDir} (reason ${CONFLICTING_DUPLICATE})`,
  );
  for (const reason of ['day_folder_not_a_date', 'not_a_log_object'] as const) {
    const skipped = summary.skipped[reason];
    if (skipped) add(skipped.count, `skipped ${skippedWhat(reason, skipped)}`);
  }
  add(summary.verification.mismatch, 'log object(s) whose SHA-256 does not match their digest (verification mismatch)');
  add(summary.missing, 'log file(s) a digest names but the trail does not have (verification missing)');
  add(summary.digestsInvalid, 'digest(s) whose signature does not verify');
  add(summary.chainBreaks, 'break(s) in the digest chain');
  const absent = summary.digestsAbsent;
  const named = absent.slice(0, NAMED_SCOPES).map((scope) => `${scope.account} ${scope.region}`);
  const more = absent.length > NAMED_SCOPES ? `, and ${absent.length - NAMED_SCOPES} more` : '';
  add(
    absent.length,
    `account-region(s) with log objects but no digest, so nothing there is verified: ${named.join(', ')}${more}`,
  );
  return problems;
}

export function lookupProblems(lookup: LookupSummary, quarantineDir: string): StageProblem[] {
  const problems: StageProblem[] = [];
  if (lookup.failures.length > 0) {
    problems.push({
      count: lookup.failures.length,
      what: `LookupEvents account-region(s) of ${lookup.scopes} failed (they resume next run): ${lookup.failures.join('; ')}`,
    });
  }
  if (lookup.quarantinedRecords > 0) {
    problems.push({ count: lookup.quarantinedRecords, what: `LookupEvents record(s) quarantined in ${quarantineDir}` });
  }
  return problems;
}

const OBJECT_REASONS: ReadonlySet<string> = new Set(OBJECT_PROBLEM_REASONS);

function reasonCounts(byReason: Record<string, number>, reasons: readonly string[]): string {
  return [...reasons]
    .sort()
    .map((reason) => `${reason} ${byReason[reason]}`)
    .join(', ');
}

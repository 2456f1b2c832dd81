import type { Command } from 'commander';
import { type ReportFlags, runReport, withReportOptions } from '../../reports/cli.js';
import { DRIFT_MARTS, DRIFT_SEVERITIES, drift, parseSeverity } from '../../reports/drift.js';

interface DriftFlags extends ReportFlags {
  readonly severity?: string;
}

export function register(program: Command): void {
  const command = program
    .command('drift')
    .description(
      'Lake Formation grants that depart from the declared ones, critical first: who changed what, when, and the declared line',
    )
    .option('-s, --severity <level>', `only items at least this severe (${DRIFT_SEVERITIES.join(' | ')})`);
  withReportOptions(command)
    .addHelpText(
      'after',
      '\nWithout --since/--until every current drift item is listed; with them, only items changed in that window.',
    )
    .action(async (flags: DriftFlags, self: Command) => {
      const minSeverity = parseSeverity(flags.severity);
      const windowed = flags.since !== undefined || flags.until !== undefined;
      await runReport(self, flags, { marts: DRIFT_MARTS, windowed }, async ({ db, window }) => [
        await drift(db, { ...(windowed ? { window } : {}), ...(minSeverity ? { minSeverity } : {}) }),
      ]);
    });
}

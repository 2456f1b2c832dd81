import type { Command } from 'commander';
import { type ReportFlags, runReport, withReportOptions } from '../../reports/cli.js';
import { PII_ACCESS_MARTS, parsePiiGrouping, piiAccess, piiSections } from '../../reports/pii-access.js';

interface PiiAccessFlags extends ReportFlags {
  readonly by?: string;
  readonly includeDenied?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('pii-access')
    .description('every read of PII in a window, grouped by table and by person')
    .option(
      '--by <grouping>',
      'table | person: one grouping (default: both in a table; json adds the accesses themselves; csv lists accesses)',
    )
    .option('--include-denied', 'also list denied attempts on PII tables');
  withReportOptions(command).action(async (flags: PiiAccessFlags, self: Command) => {
    const by = parsePiiGrouping(flags.by);
    await runReport(self, flags, { marts: PII_ACCESS_MARTS }, async ({ db, window, format }) =>
      piiSections(await piiAccess(db, { window, includeDenied: Boolean(flags.includeDenied) }), format, by),
    );
  });
}

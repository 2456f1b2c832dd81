import type { Command } from 'commander';
import { type ReportFlags, runReport, withReportOptions } from '../../reports/cli.js';
import { COVERAGE_MARTS, coverage, parseCoverageGrouping } from '../../reports/coverage.js';

interface CoverageFlags extends ReportFlags {
  readonly by?: string;
}

export function register(program: Command): void {
  const command = program
    .command('coverage')
    .description('which accounts and regions delivered CloudTrail for which days, digest verification, gaps')
    .option('--by <grouping>', 'account (a row per account × region, default) | day (a row per account × region × day)');
  withReportOptions(command).action(async (flags: CoverageFlags, self: Command) => {
    const by = parseCoverageGrouping(flags.by);
    await runReport(self, flags, { marts: COVERAGE_MARTS }, async ({ db, window }) => [await coverage(db, window, by)]);
  });
}

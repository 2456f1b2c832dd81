import type { Command } from 'commander';
import { type ReportFlags, runReport, withReportOptions } from '../../reports/cli.js';
import { HEALTH_MARTS, health, healthBreaches } from '../../reports/health.js';

interface HealthFlags extends ReportFlags {
  readonly domain?: string;
  readonly breaches?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('health')
    .description('per data product: freshness vs SLA, last update, lag, breaches in the window, completeness, consumers, owner')
    .option('-d, --domain <name>', 'only the products of this domain (e.g. sales)')
    .option('--breaches', 'list the SLA breach intervals that overlap the window instead');
  withReportOptions(command).action(async (flags: HealthFlags, self: Command) => {
    await runReport(self, flags, { marts: HEALTH_MARTS }, async ({ db, window }) => {
      const input = { window, ...(flags.domain ? { domain: flags.domain } : {}) };
      return [flags.breaches ? await healthBreaches(db, input) : await health(db, input)];
    });
  });
}

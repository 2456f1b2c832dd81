import type { Command } from 'commander';
import {
  CHARGEBACK_MARTS,
  chargebackByDomain,
  chargebackFocus,
  chargebackMatrix,
  defaultMonth,
  parseMonth,
  pivotMatrix,
} from '../../reports/chargeback.js';
import { type ReportFlags, runReport, withReportOptions } from '../../reports/cli.js';
import { renderSections } from '../../reports/section.js';

interface ChargebackFlags extends ReportFlags {
  readonly month?: string;
  readonly matrix?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('chargeback')
    .description('what each domain costs in a month: producer, consumer and shared cost, month-over-month change')
    .option('-m, --month <YYYY-MM>', 'the month (default: the month to date)')
    .option('--matrix', 'Athena cost of each consumer domain reading each producer domain (consumer × producer)')
    .addHelpText(
      'after',
      '\n--format focus writes the month as a FOCUS 1.x CSV (one row per account × service × day, shared accounts\nsplit by allocation) that finance tools import; its BilledCost sums to the Cost Explorer total.',
    );
  withReportOptions(command, ['focus']).action(async (flags: ChargebackFlags, self: Command) => {
    const month = flags.month === undefined ? undefined : parseMonth(flags.month);
    await runReport(
      self,
      flags,
      { marts: CHARGEBACK_MARTS, extraFormats: ['focus'], windowed: false },
      async ({ db, ctx, format }) => {
        const chosen = month ?? defaultMonth(ctx.now);
        // FOCUS is a CSV contract: the header is written even for an empty month.
        if (format === 'focus') return renderSections([await chargebackFocus(db, chosen)], 'csv');
        if (!flags.matrix) return [await chargebackByDomain(db, chosen)];
        const matrix = await chargebackMatrix(db, chosen);
        return [format === 'table' ? pivotMatrix(matrix) : matrix];
      },
    );
  });
}

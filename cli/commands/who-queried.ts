import type { Command } from 'commander';
import { type ReportFlags, runReport, withReportOptions } from '../../reports/cli.js';
import { assertWhoQueriedInput, WHO_QUERIED_MARTS, whoQueried } from '../../reports/who-queried.js';

interface WhoQueriedFlags extends ReportFlags {
  readonly principal?: string;
  readonly summary?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('who-queried')
    .description('every access to a table (or column) in a window: who, from which account, which query, through which grant')
    .argument(
      '[table]',
      '<database>.<table>, or <database>.<table>.<column>: a column matches accesses whose query text names it ' +
        'or selects every column (SELECT *); accesses without known query text do not match a column',
    )
    .option('-p, --principal <name>', 'every table this person or role touched (display name, human name or ARN)')
    .option(
      '-s, --summary',
      'one row per way in (principal, account, engine, outcome, grant path) with accesses, queries, bytes, first and last, instead of every access',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  meshwatch who-queried sales_db.customers --since 30d\n  meshwatch who-queried sales_db.customers --since last-quarter --summary\n  meshwatch who-queried sales_db.customers.email --format csv --out email.csv\n  meshwatch who-queried --principal alice.wong --since last-month',
    );
  withReportOptions(command).action(async (target: string | undefined, flags: WhoQueriedFlags, self: Command) => {
    assertWhoQueriedInput({ ...(target ? { target } : {}), ...(flags.principal ? { principal: flags.principal } : {}) });
    await runReport(self, flags, { marts: WHO_QUERIED_MARTS }, async ({ db, window }) => [
      await whoQueried(db, {
        window,
        summary: flags.summary === true,
        ...(target ? { target } : {}),
        ...(flags.principal ? { principal: flags.principal } : {}),
      }),
    ]);
  });
}

import type { Command } from 'commander';
import { withLakeLock } from '../../lib/lake/lock.js';
import { formatRows, type OutputFormat, parseOutputFormat } from '../../lib/output/format.js';
import { writeOutput } from '../../lib/output/write.js';
import { contextFor } from '../context.js';

interface SqlFlags {
  readonly format?: string;
  readonly out?: string;
}

export function register(program: Command): void {
  program
    .command('sql')
    .description('run an ad-hoc SQL query on the lake (every dataset and mart is a table or view)')
    .argument('<query>', 'the SQL to run, e.g. "select count(*) from cloudtrail"')
    .option('-f, --format <format>', 'table | json | csv (default: table on a terminal, json when piped)')
    .option('-o, --out <file>', 'write the result to a file instead of stdout')
    .action(async (query: string, flags: SqlFlags, command: Command) => {
      const format = parseOutputFormat(flags.format) as OutputFormat;
      const ctx = await contextFor(command);
      // Under the lake lock: the views are refreshed in the database file, and the raw datasets
      // they read are never in the middle of a collect's publish.
      const rows = await withLakeLock(ctx, 'sql', async () => {
        const db = await ctx.openLakeDatabase();
        try {
          return await db.all(query);
        } finally {
          db.close();
        }
      });
      await writeOutput(formatRows(rows, format), flags.out);
    });
}

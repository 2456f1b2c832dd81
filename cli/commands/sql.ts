import type { Command } from 'commander';
import { withLakeLock } from '../../lib/lake/lock.js';
import { formatRows, type OutputFormat, parseOutputFormat } from '../../lib/output/format.js';
import { writeOutput } from '../../lib/output/write.js';
import { openQuerySurface } from '../../reports/ad-hoc-sql.js';
import { assertLakeExists } from '../../reports/collected-period.js';
import { contextFor } from '../context.js';

interface SqlFlags {
  readonly format?: string;
  readonly out?: string;
}

export function register(program: Command): void {
  program
    .command('sql')
    .description('run one read-only SQL query on the lake (every dataset and mart is a table or view)')
    .argument('<query>', 'one SELECT, e.g. "select count(*) from cloudtrail"; DESCRIBE, SHOW TABLES and SUMMARIZE work too')
    .option(
      '-f, --format <format>',
      'table | json | csv (default: by the --out extension, else table on a terminal, json when piped)',
    )
    .option('-o, --out <file>', 'write the result to a file (in an existing folder, replaced whole) instead of stdout')
    .addHelpText(
      'after',
      '\nThe query reads only the lake: its datasets and marts. Anything that would change the lake or reach\n' +
        'beyond it (CREATE, INSERT, DROP, COPY, ATTACH, INSTALL/LOAD, SET, files outside the lake, several\n' +
        'statements) is refused with exit code 2.',
    )
    .action(async (query: string, flags: SqlFlags, command: Command) => {
      const format = parseOutputFormat(flags.format, undefined, flags.out) as OutputFormat;
      const ctx = await contextFor(command);
      // Checked before the lock, which would otherwise make the lake's _state folder.
      await assertLakeExists(ctx.layout);
      // Under the lake lock: the raw datasets the query reads are never in the middle of a collect's
      // publish. The surface itself is read-only (reports/ad-hoc-sql.ts).
      const rows = await withLakeLock(
        ctx,
        'sql',
        async () => {
          const surface = await openQuerySurface(ctx.layout, { memoryLimit: ctx.config.transforms.memory_limit });
          try {
            return await surface.query(query);
          } finally {
            surface.close();
          }
        },
        { unlockedOnReadOnlyLake: true },
      );
      await writeOutput(formatRows(rows, format), flags.out);
      if (flags.out) ctx.logger.info(`written: ${flags.out}`);
    });
}

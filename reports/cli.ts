/**
 * What every report command shares: the --format/--since/--until/--out flags, the context, the
 * database opened with its marts in place, and writing the rendered sections.
 */
import type { Command } from 'commander';
import { contextFor } from '../cli/context.js';
import type { RunContext } from '../lib/context.js';
import type { Database } from '../lib/lake/duckdb.js';
import { type OutputFormat, parseOutputFormat } from '../lib/output/format.js';
import { writeOutput } from '../lib/output/write.js';
import { parseWindow, type TimeWindow } from '../lib/time/window.js';
import { ifStaleFromFlag } from '../transforms/index.js';
import { assertCollectedData, collectedPeriod, periodNote } from './collected-period.js';
import { openReportDatabase } from './marts.js';
import { type ReportSection, renderSections } from './section.js';

export interface ReportFlags {
  readonly format?: string;
  readonly since?: string;
  readonly until?: string;
  readonly out?: string;
  /** false with `--no-transform`: refuse stale marts instead of rebuilding them. */
  readonly transform?: boolean;
}

export interface ReportRequest<F extends ReportFlags> {
  readonly ctx: RunContext;
  readonly db: Database;
  readonly flags: F;
  readonly format: string;
  /** The window of --since/--until (default: the 30 days before now). */
  readonly window: TimeWindow;
}

const TIME_HELP = 'ISO date or time, 90d/12h/2w, 2026-10, 2026-Q3, last-month, last-quarter…';

/** Adds the flags every report takes; `extraFormats` for formats beyond table|json|csv (e.g. focus). */
export function withReportOptions(command: Command, extraFormats: readonly string[] = []): Command {
  const formats = ['table', 'json', 'csv', ...extraFormats].join(' | ');
  return command
    .option('-f, --format <format>', `${formats} (default: by the --out extension, else table on a terminal, json when piped)`)
    .option('--since <time>', `start of the window (${TIME_HELP}); default 30d`)
    .option('--until <time>', 'end of the window (exclusive); default now, or the end of a calendar --since')
    .option('-o, --out <file>', 'write the report to a file (in an existing folder, replaced whole) instead of stdout')

    .option('--no-transform', 'refuse (exit 1) instead of rebuilding the marts when they are not current');
}

/**
 * Runs a report command: validates format and window before any work, refuses a missing or empty
 * lake (exit 1), opens the lake with `marts` present, renders what `produce` returns, notes a window
 * outside the collected days, and writes the answer to stdout or --out.
 */
export async function runReport<F extends ReportFlags>(
  command: Command,
  flags: F,
  options: {
    readonly marts: readonly string[];
    readonly extraFormats?: readonly string[];
    /** Whether the answer depends on the --since/--until window (default true): then a window outside the collected days gets a note. */
    readonly windowed?: boolean;
  },
  produce: (request: ReportRequest<F>) => Promise<readonly ReportSection[] | string>,
): Promise<void> {
  const format = parseOutputFormat(flags.format, ['table', 'json', 'csv', ...(options.extraFormats ?? [])], flags.out);
  const ctx = await contextFor(command);
  const window = parseWindow(flags, ctx.now);
  await assertCollectedData(ctx.layout);
  const db = await openReportDatabase(ctx, options.marts, { ifStale: ifStaleFromFlag(flags.transform) });
  let text: string;
  try {
    const result = await produce({ ctx, db, flags, format, window });
    text = typeof result === 'string' ? result : renderSections(result, format as OutputFormat);
  } finally {
    db.close();
  }
  if (options.windowed !== false) {
    const note = periodNote(await collectedPeriod(ctx.layout), window);
    if (note) ctx.logger.warn(note);
  }
  await writeOutput(text, flags.out);
  if (flags.out) ctx.logger.info(`written: ${flags.out}`);
}

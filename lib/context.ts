/**
 * What every stage receives: the validated config, the lake layout, a logger and the clock.
 * Built once per command by the CLI (or by a test) and passed down; stages never read globals.
 */
import { mkdir } from 'node:fs/promises';
import type { LoadedConfig } from './config/load.js';
import { openDatabaseWhenFree } from './lake/database-wait.js';
import type { Database } from './lake/duckdb.js';
import { dirMode, setGroupReadable } from './lake/file-modes.js';
import { type LakeLayout, lakeLayout } from './lake/layout.js';
import type { LockPolicy } from './lake/lock.js';
import { refreshDatasetViews } from './lake/views.js';
import { createLogger, type Logger } from './log.js';

export interface RunContext {
  readonly config: LoadedConfig;
  readonly layout: LakeLayout;
  readonly logger: Logger;
  /** "Now" for windows and lags: config `now` when pinned, else the wall clock at start. */
  readonly now: Date;
  /** How a writer waits for the lake lock (lib/lake/lock.ts): the CLI's --no-wait and --lock-timeout. */
  readonly lockPolicy: LockPolicy;
  /**
   * Opens the lake's DuckDB file with a fresh view for every dataset (waiting, under `lockPolicy`,
   * while another process has it open). Close it when done.
   */
  openLakeDatabase(options?: { readOnly?: boolean }): Promise<Database>;
}

export function createContext(
  config: LoadedConfig,
  logger: Logger = createLogger(),
  options: { readonly lockPolicy?: LockPolicy } = {},
): RunContext {
  const layout = lakeLayout(config.lake);
  const lockPolicy = options.lockPolicy ?? {};
  setGroupReadable(config.file_modes.group_readable);
  return {
    config,
    layout,
    logger,
    now: config.now ? new Date(config.now) : new Date(),
    lockPolicy,
    async openLakeDatabase({ readOnly = false } = {}) {
      await mkdir(layout.root, { recursive: true, mode: dirMode() });
      const db = await openDatabaseWhenFree(layout.databaseFile, { readOnly }, lockPolicy, logger);
      if (!readOnly) await refreshDatasetViews(db, layout);
      return db;
    },
  };
}

/** A stage's account of what it did, printed in the run summary. */
export interface StageResult {
  readonly stage: string;
  /** Datasets or marts written, with their row counts after the stage. */
  readonly outputs: readonly { readonly name: string; readonly rows: number; readonly path?: string }[];
  /** Lines worth showing in the summary (skipped sources, quarantined objects, paid requests...). */
  readonly notes: readonly string[];
  /** Problems that did not stop the stage (a failing account, quarantined input). */
  readonly warnings: number;
  /** The problems counted in `warnings`, each named with its count: the run summary lists them. */
  readonly problems?: readonly StageProblem[];
  /** For a source read per account × region: how many it read and how many failed (collect's exit code). */
  readonly scopes?: { readonly total: number; readonly failed: number };
}

/** One kind of problem a stage counted, e.g. `{ count: 3, what: 'objects quarantined whole (...)' }`. */
export interface StageProblem {
  readonly count: number;
  /** What they are, in words that read after the count, with where to look. */
  readonly what: string;
}

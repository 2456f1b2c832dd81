/**
 * What every stage receives: the validated config, the lake layout, a logger and the clock.
 * Built once per command by the CLI (or by a test) and passed down; stages never read globals.
 */
import { mkdir } from 'node:fs/promises';
import type { LoadedConfig } from './config/load.js';
import { type Database, openDatabase } from './lake/duckdb.js';
import { dirMode, setGroupReadable } from './lake/file-modes.js';
import { type LakeLayout, lakeLayout } from './lake/layout.js';
import { refreshDatasetViews } from './lake/views.js';
import { createLogger, type Logger } from './log.js';

export interface RunContext {
  readonly config: LoadedConfig;
  readonly layout: LakeLayout;
  readonly logger: Logger;
  /** "Now" for windows and lags: config `now` when pinned, else the wall clock at start. */
  readonly now: Date;
  /** Opens the lake's DuckDB file with a fresh view for every dataset. Close it when done. */
  openLakeDatabase(options?: { readOnly?: boolean }): Promise<Database>;
}

export function createContext(config: LoadedConfig, logger: Logger = createLogger()): RunContext {
  const layout = lakeLayout(config.lake);
  setGroupReadable(config.file_modes.group_readable);
  return {
    config,
    layout,
    logger,
    now: config.now ? new Date(config.now) : new Date(),
    async openLakeDatabase({ readOnly = false } = {}) {
      await mkdir(layout.root, { recursive: true, mode: dirMode() });
      const db = await openDatabase(layout.databaseFile, { readOnly });
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
}

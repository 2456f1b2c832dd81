/**
 * The lake's one documented layout (see README "Lake layout"):
 *
 *   <lake>/<dataset>/<key>=<value>/.../part-*.parquet   raw datasets, Hive-partitioned, zstd
 *   <lake>/marts/<mart>/...parquet                       transform outputs (also tables in the DuckDB file)
 *   <lake>/meshwatch.duckdb                              a view per dataset, a table per mart
 *   <lake>/_state/                                       manifests, checkpoints, alert state
 *   <lake>/_state/lake.lock                              the lake lock: one writer at a time (lock.ts)
 *   <lake>/_quarantine/<source>/                         rejected input with the reason
 *   <lake>/_tmp/                                         staging for atomic writes (same filesystem)
 *   <lake>/reports/<date>/                               report bundle (JSON + CSV) per run
 *   <lake>/site/                                         built dashboards
 */
import { join, resolve } from 'node:path';
import { assertIdentifier } from './duckdb.js';
import { resolveUnder } from './safe-path.js';

/** Top-level folders of the lake that are not raw datasets. */
export const RESERVED_LAKE_FOLDERS = new Set(['marts', 'reports', 'site']);

export interface LakeLayout {
  readonly root: string;
  readonly databaseFile: string;
  readonly stateDir: string;
  readonly quarantineDir: string;
  readonly tmpDir: string;
  readonly martsDir: string;
  readonly reportsDir: string;
  readonly siteDir: string;
  datasetDir(dataset: string): string;
  martDir(mart: string): string;
  /** A path under `_state/`; parts that would leave it (`..`, absolute, NUL) are an UnsafePathError. */
  statePath(...parts: string[]): string;
  /** A path under `_quarantine/<source>/`, refused like statePath when it would leave it. */
  quarantinePath(source: string, ...parts: string[]): string;
}

export function lakeLayout(root: string): LakeLayout {
  const absolute = resolve(root);
  return {
    root: absolute,
    databaseFile: join(absolute, 'meshwatch.duckdb'),
    stateDir: join(absolute, '_state'),
    quarantineDir: join(absolute, '_quarantine'),
    tmpDir: join(absolute, '_tmp'),
    martsDir: join(absolute, 'marts'),
    reportsDir: join(absolute, 'reports'),
    siteDir: join(absolute, 'site'),
    datasetDir: (dataset) => join(absolute, assertIdentifier(dataset, 'dataset name')),
    martDir: (mart) => join(absolute, 'marts', assertIdentifier(mart, 'mart name')),
    statePath: (...parts) => resolveUnder(join(absolute, '_state'), ...parts),
    quarantinePath: (source, ...parts) => resolveUnder(join(absolute, '_quarantine'), source, ...parts),
  };
}

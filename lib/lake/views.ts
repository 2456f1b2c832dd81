/**
 * Keeps the DuckDB file's catalogue in step with the lake: one view per raw dataset, named like its
 * folder, over its Hive-partitioned Parquet files. Partition keys are read as VARCHAR (account ids
 * would otherwise become BIGINT and lose leading zeros) except `*_date` keys, which are DATEs.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { listFiles } from './atomic.js';
import { type Database, quoteIdentifier, quoteLiteral } from './duckdb.js';
import { type LakeLayout, RESERVED_LAKE_FOLDERS } from './layout.js';

const DATASET_NAME = /^[a-z][a-z0-9_]*$/;

export interface DatasetInfo {
  readonly name: string;
  readonly dir: string;
  readonly files: number;
  readonly partitionKeys: string[];
}

/** Raw datasets present in the lake: top-level folders (not reserved, not `_`-prefixed) holding Parquet. */
export async function listDatasets(layout: LakeLayout): Promise<DatasetInfo[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(layout.root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const datasets: DatasetInfo[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || RESERVED_LAKE_FOLDERS.has(entry.name) || !DATASET_NAME.test(entry.name)) continue;
    const dir = join(layout.root, entry.name);
    const files = (await listFiles(dir)).filter((file) => file.endsWith('.parquet') && !file.includes(`${sep}.`));
    if (files.length === 0) continue;
    datasets.push({ name: entry.name, dir, files: files.length, partitionKeys: partitionKeysOf(dir, files[0] as string) });
  }
  return datasets.sort((a, b) => a.name.localeCompare(b.name));
}

function partitionKeysOf(datasetDir: string, file: string): string[] {
  return relative(datasetDir, file)
    .split(sep)
    .slice(0, -1)
    .filter((segment) => segment.includes('='))
    .map((segment) => segment.slice(0, segment.indexOf('=')));
}

/** SQL that reads one dataset's Parquet files with its partition columns typed. */
export function datasetScanSql(dataset: Pick<DatasetInfo, 'dir' | 'partitionKeys'>): string {
  const glob = quoteLiteral(join(dataset.dir, '**', '*.parquet'));
  if (dataset.partitionKeys.length === 0) return `read_parquet(${glob}, union_by_name = true)`;
  const types = dataset.partitionKeys
    .filter((key) => key.endsWith('_date'))
    .map((key) => `${quoteLiteral(key)}: 'DATE'`)
    .join(', ');
  return `read_parquet(${glob}, hive_partitioning = true, hive_types_autocast = false, union_by_name = true${
    types ? `, hive_types = {${types}}` : ''
  })`;
}

/** Creates or replaces a view for every dataset; returns the datasets it saw. */
export async function refreshDatasetViews(db: Database, layout: LakeLayout): Promise<DatasetInfo[]> {
  const datasets = await listDatasets(layout);
  for (const dataset of datasets) {
    await db.run(`CREATE OR REPLACE VIEW ${quoteIdentifier(dataset.name)} AS SELECT * FROM ${datasetScanSql(dataset)}`);
  }
  return datasets;
}

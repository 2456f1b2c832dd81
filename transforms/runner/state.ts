/**
 * What the last transform saw, so `ensureMarts` can skip work: a fingerprint of every dataset's
 * files (path, size, mtime), the models' SQL and metadata, and the config values models read.
 * Kept in `lake/_state/transforms.json`, written atomically after a successful run.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { listFiles, writeFileAtomic } from '../../lib/lake/atomic.js';
import type { LakeLayout } from '../../lib/lake/layout.js';
import { listDatasets } from '../../lib/lake/views.js';
import type { Model } from './model.js';

export interface TransformState {
  readonly fingerprint: string;
  readonly transformed_at: string;
  readonly marts: readonly string[];
}

const STATE_FILE = 'transforms.json';

export async function lakeFingerprint(layout: LakeLayout, models: readonly Model[], configPart: unknown): Promise<string> {
  const hash = createHash('sha256');
  for (const dataset of await listDatasets(layout)) {
    for (const file of await listFiles(dataset.dir)) {
      if (!file.endsWith('.parquet')) continue;
      const info = await stat(file);
      hash.update(`${file}\t${info.size}\t${info.mtimeMs}\n`);
    }
  }
  const byName = [...models].sort((a, b) => a.name.localeCompare(b.name));
  for (const model of byName) hash.update(`${model.name}\n${model.sql}\n${JSON.stringify(model.metadata.columns)}\n`);
  hash.update(JSON.stringify(configPart));
  return hash.digest('hex');
}

export async function readTransformState(layout: LakeLayout): Promise<TransformState | undefined> {
  try {
    return JSON.parse(await readFile(layout.statePath(STATE_FILE), 'utf8')) as TransformState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A corrupt state file only costs a re-run of the transforms.
    return undefined;
  }
}

export async function writeTransformState(layout: LakeLayout, state: TransformState): Promise<void> {
  await writeFileAtomic(layout.statePath(STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * What the last transform was built from (see marts-freshness.ts, the policy that reads it): a hash
 * per input part, the fingerprint of them all, when it ran and which marts it wrote. Kept in
 * `lake/_state/transforms.json`, written atomically after a successful run.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../lib/lake/atomic.js';
import type { LakeLayout } from '../../lib/lake/layout.js';
import type { FreshnessInputs } from './marts-freshness.js';

export interface TransformState {
  readonly fingerprint: string;
  /** Absent in state files written before the freshness policy: such marts count as stale. */
  readonly inputs?: FreshnessInputs;
  readonly transformed_at: string;
  readonly marts: readonly string[];
  /** The DuckDB file and the marts' Parquet files written, relative to the lake root. */
  readonly files?: readonly string[];
}

const STATE_FILE = 'transforms.json';

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

/** Small JSON state files under `lake/_state/` (checkpoints, caches), written atomically. */
import { readFile } from 'node:fs/promises';
import { LakeError } from '../../lib/errors.js';
import { writeFileAtomic } from '../../lib/lake/atomic.js';
import type { LakeLayout } from '../../lib/lake/layout.js';

export async function readState<T>(layout: LakeLayout, parts: readonly string[], fallback: T): Promise<T> {
  const path = layout.statePath(...parts);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new LakeError(`cannot read state ${path}`, { cause: error, context: { file: path } });
  }
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new LakeError(`state file ${path} is not valid JSON`, {
      cause,
      context: { file: path },
      hint: 'delete it: the next run fetches everything again and rebuilds it',
    });
  }
}

export async function writeState(layout: LakeLayout, parts: readonly string[], value: unknown): Promise<void> {
  await writeFileAtomic(layout.statePath(...parts), `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * `ensureMarts` for readers (the report commands): the up-to-date check and any rebuild run under
 * the lake lock, so a report started during a collect waits for it to finish instead of building the
 * marts from half of its batches (or failing on a Parquet file a compaction just replaced), and two
 * reports never rebuild at once. On a lake the reader may not write, it checks without the lock.
 */
import type { RunContext, StageResult } from '../lib/context.js';
import { withLakeLock } from '../lib/lake/lock.js';
import { type EnsureMartsOptions, ensureMarts } from './index.js';

export function ensureMartsLocked(ctx: RunContext, options: EnsureMartsOptions = {}): Promise<StageResult | undefined> {
  return withLakeLock(ctx, 'marts check', () => ensureMarts(ctx, options), { unlockedOnReadOnlyLake: true });
}

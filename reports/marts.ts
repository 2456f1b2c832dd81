/**
 * Opens the lake's DuckDB file for a report: brings the marts up to date first (`ensureMarts`
 * re-runs the transforms only when they are not current, or refuses with `--no-transform`), then
 * checks the marts the report reads.
 */
import type { RunContext } from '../lib/context.js';
import { ReportError } from '../lib/errors.js';
import { pathExists } from '../lib/lake/atomic.js';
import type { Database } from '../lib/lake/duckdb.js';
import { ensureMartsLocked } from '../transforms/ensure-marts-locked.js';
import type { EnsureMartsOptions } from '../transforms/index.js';
import { relationsPresent } from './lookup.js';

/** Opens the database read-only with every mart of `marts` present, or throws a ReportError saying how to build them. */
export async function openReportDatabase(
  ctx: RunContext,
  marts: readonly string[],
  freshness: EnsureMartsOptions = {},
): Promise<Database> {
  await ensureMartsLocked(ctx, freshness);
  if (!(await pathExists(ctx.layout.databaseFile))) throw missingMarts(ctx, marts);
  const db = await ctx.openLakeDatabase({ readOnly: true });
  try {
    await db.run("SET TimeZone = 'UTC'");
    await assertMartsPresent(ctx, db, marts);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export async function missingMartsOf(db: Database, marts: readonly string[]): Promise<string[]> {
  const present = await relationsPresent(db);
  return marts.filter((mart) => !present.has(mart));
}

async function assertMartsPresent(ctx: RunContext, db: Database, marts: readonly string[]): Promise<void> {
  const missing = await missingMartsOf(db, marts);
  if (missing.length > 0) throw missingMarts(ctx, missing);
}

function missingMarts(ctx: RunContext, marts: readonly string[]): ReportError {
  return new ReportError(`the lake has no ${marts.join(', ')} mart${marts.length === 1 ? '' : 's'} yet`, {
    context: { lake: ctx.layout.root },
    hint: 'run `meshwatch run` (or `meshwatch collect` then `meshwatch transform`) on this lake first',
  });
}

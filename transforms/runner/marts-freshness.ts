/**
 * The one freshness policy every reader of the marts applies (report commands, `alerts`,
 * `alerts run`, the dashboards, the report bundle, `meshwatch run`):
 *
 *   the marts are current when they were built from the lake's current inputs, the current
 *   model-relevant config, the current models and the current `now` (at the models' granularity).
 *
 * What a transform was built from is kept in `lake/_state/transforms.json` as one hash per part, so a
 * stale lake can say why it is stale ("now moved from … to …", "config changed: pricing"). Checking
 * costs a listing and a stat of the lake's Parquet files (no lake file is read) and, once per
 * process, a hash of the model files.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { RunContext } from '../../lib/context.js';
import { TransformError } from '../../lib/errors.js';
import { listFiles, pathExists } from '../../lib/lake/atomic.js';
import { listDatasets } from '../../lib/lake/views.js';
import { MACROS_DIR } from './macros.js';
import { MODELS_DIR } from './model.js';
import { readTransformState, type TransformState, writeTransformState } from './state.js';

/**
 * The granularity of `now` in the models: the transform gives them `now` truncated to the minute,
 * so marts built twice within one minute are the same marts, and a reader a minute later (wall
 * clock) sees them as stale. A pinned `now` (config `now:`) only moves when the config does.
 */
export const MODEL_NOW_GRANULARITY_MS = 60_000;

/** The config sections models read (sources for config_accounts / config_regions, and parameters). */
const MODEL_CONFIG_SECTIONS = ['organization', 'regions', 'pii', 'pricing', 'chargeback', 'drift'] as const;

/** What a set of marts is built from, one hash (or value) per part. */
export interface FreshnessInputs {
  /** Every dataset's Parquet files: path, size and mtime. */
  readonly datasets: string;
  /** The model files (SQL and metadata) and the macro files. */
  readonly models: string;
  /** A hash per model-relevant config section. */
  readonly config: Readonly<Record<string, string>>;
  /** `now` as the models see it (ISO, truncated to the granularity). */
  readonly now: string;
}

export interface MartsFreshness {
  readonly current: boolean;
  /** Why the marts are not current (empty when they are). */
  readonly reasons: readonly string[];
  readonly inputs: FreshnessInputs;
  /** One hash of `inputs`: what a publish step records as "built from these marts". */
  readonly fingerprint: string;
}

/** The marts are stale and the reader was told not to rebuild them (`--no-transform`). */
export class StaleMartsError extends TransformError {}

/** `now` as the models receive it. */
export function modelNow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MODEL_NOW_GRANULARITY_MS) * MODEL_NOW_GRANULARITY_MS);
}

export async function freshnessInputs(ctx: RunContext): Promise<FreshnessInputs> {
  const [datasets, models] = await Promise.all([datasetsHash(ctx), modelsHash()]);
  const config: Record<string, string> = {};
  for (const section of MODEL_CONFIG_SECTIONS) config[section] = sha256(JSON.stringify(ctx.config[section] ?? null));
  return { datasets, models, config, now: modelNow(ctx.now).toISOString() };
}

export function fingerprintOf(inputs: FreshnessInputs): string {
  return sha256(JSON.stringify(inputs));
}

/** Compares what the last transform was built from with what the lake, config and clock are now. */
export async function martsFreshness(ctx: RunContext): Promise<MartsFreshness> {
  const [inputs, state] = await Promise.all([freshnessInputs(ctx), readTransformState(ctx.layout)]);
  const reasons = stalenessReasons(state, inputs);
  const missing = await missingOutputs(ctx, state);
  if (missing.length > 0) reasons.push(`files the last transform wrote are gone: ${missing.join(', ')}`);
  return { current: reasons.length === 0, reasons, inputs, fingerprint: fingerprintOf(inputs) };
}

/** The error a reader throws when it must not rebuild stale marts. */
export function staleMartsError(ctx: RunContext, freshness: MartsFreshness): StaleMartsError {
  return new StaleMartsError(`the marts are not current: ${freshness.reasons.join('; ')}`, {
    context: { lake: ctx.layout.root },
    hint: 'run the command without --no-transform to rebuild them first, or run `meshwatch transform`',
  });
}

/** The DuckDB file and mart files the last transform wrote that are no longer there (deleted, moved). */
async function missingOutputs(ctx: RunContext, state: TransformState | undefined): Promise<string[]> {
  const files = state?.files ?? [];
  const present = await Promise.all(files.map((file) => pathExists(join(ctx.layout.root, file))));
  return files.filter((_, index) => !present[index]);
}

function stalenessReasons(state: TransformState | undefined, inputs: FreshnessInputs): string[] {
  if (!state) return ['no transform has run on this lake yet'];
  const built = state.inputs;
  if (!built) return ['the last transform did not record what it was built from (an older meshwatch)'];
  const reasons: string[] = [];
  if (built.datasets !== inputs.datasets) reasons.push("the lake's datasets changed since the last transform");
  const changedSections = Object.keys(inputs.config).filter((section) => built.config[section] !== inputs.config[section]);
  if (changedSections.length > 0) reasons.push(`config changed: ${changedSections.join(', ')}`);
  if (built.models !== inputs.models) reasons.push('the models or macros changed');
  if (built.now !== inputs.now) reasons.push(`now moved from ${built.now} to ${inputs.now}`);
  return reasons;
}

async function datasetsHash(ctx: RunContext): Promise<string> {
  const hash = createHash('sha256');
  for (const dataset of await listDatasets(ctx.layout)) {
    const files = (await listFiles(dataset.dir)).filter((file) => file.endsWith('.parquet')).sort();
    const stats = await Promise.all(files.map((file) => stat(file)));
    files.forEach((file, index) => {
      const info = stats[index] as Awaited<ReturnType<typeof stat>>;
      // Relative to the lake root: a lake copied with its timestamps keeps its marts current.
      hash.update(`${relative(ctx.layout.root, file)}\t${info.size}\t${info.mtimeMs}\n`);
    });
  }
  return hash.digest('hex');
}

let modelsHashOnce: Promise<string> | undefined;

/**
 * The bytes of every model and macro file (SQL and metadata), hashed once per process: the files
 * are part of meshwatch, and hashing them raw costs far less than loading and validating the models.
 */
function modelsHash(): Promise<string> {
  modelsHashOnce ??= (async () => {
    const hash = createHash('sha256');
    for (const file of [...(await listFiles(MODELS_DIR)), ...(await listFiles(MACROS_DIR))]) {
      hash.update(`${relative(MODELS_DIR, file)}\n`);
      hash.update(await readFile(file));
    }
    return hash.digest('hex');
  })();
  return modelsHashOnce;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Records that the lake's marts were built from `inputs`, and the files holding them (the DuckDB
 * file, the published Parquet; absolute paths under the lake). The transform calls it after a
 * successful build; a test fixture that writes marts by hand calls it to say they are current.
 */
export async function recordMartsBuilt(
  ctx: RunContext,
  inputs: FreshnessInputs,
  built: { readonly marts: readonly string[]; readonly files: readonly string[] },
): Promise<void> {
  await writeTransformState(ctx.layout, {
    fingerprint: fingerprintOf(inputs),
    inputs,
    transformed_at: new Date().toISOString(),
    marts: built.marts,
    files: built.files.map((file) => relative(ctx.layout.root, file)),
  });
}

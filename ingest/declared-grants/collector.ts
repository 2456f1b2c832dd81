/**
 * The `declared_grants` source: Lake Formation grants declared as code (`terraform show -json`,
 * one file or a folder of them) → the `declared_grants` dataset. A file that is not terraform
 * output is quarantined with the reason; a resource that cannot be understood is skipped, counted
 * and quarantined, and the rest still load.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunContext, StageResult } from '../../lib/context.js';
import { CollectorError } from '../../lib/errors.js';
import { describeReason, unsafePathReason } from '../../lib/lake/safe-path.js';
import { columnTypes } from '../aws/dataset-spec.js';
import type { SourceCollector } from '../source.js';
import { declaredGrantsDataset } from './dataset.js';
import { quarantineFile, writeLocalDataset } from './local-dataset.js';
import { type DeclaredGrant, parseTerraformShow } from './parse-terraform.js';

export const DECLARED_GRANT_COLUMNS = columnTypes(declaredGrantsDataset);

export async function collectDeclaredGrants(ctx: RunContext): Promise<StageResult> {
  const configured = ctx.config.sources.declared_grants;
  if (!configured) return { stage: 'declared_grants', outputs: [], notes: ['not configured'], warnings: 0 };
  const { files, refused } = await inputFiles(configured.path);
  const grants: DeclaredGrant[] = [];
  let quarantined = 0;
  for (const entry of refused) {
    quarantined += 1;
    await quarantineFile(ctx.layout, 'declared_grants', entry.path, `not read: ${entry.reason}`);
    ctx.logger.warn(`declared_grants: ${entry.path} quarantined — not read: ${entry.reason}`);
  }
  for (const file of files) {
    let parsed: ReturnType<typeof parseTerraformShow>;
    try {
      parsed = parseTerraformShow(JSON.parse(await readFile(file, 'utf8')), file);
    } catch (error) {
      quarantined += 1;
      await quarantineFile(ctx.layout, 'declared_grants', file, (error as Error).message);
      ctx.logger.warn(`declared_grants: ${file} quarantined — ${(error as Error).message}`);
      continue;
    }
    grants.push(...parsed.grants);
    for (const rejected of parsed.rejected) {
      quarantined += 1;
      await quarantineFile(ctx.layout, 'declared_grants', `${file}#${rejected.address}`, rejected.reason);
      ctx.logger.warn(`declared_grants: ${rejected.address} skipped — ${rejected.reason}`);
    }
  }
  const path = await writeLocalDataset(ctx.layout, 'declared_grants', DECLARED_GRANT_COLUMNS, grants);
  return {
    stage: 'declared_grants',
    outputs: [{ name: 'declared_grants', rows: grants.length, path }],
    notes: [`${grants.length} declared grants from ${files.length} file(s)${quarantined ? `, ${quarantined} quarantined` : ''}`],
    warnings: quarantined,
  };
}

/** The file, or the folder's `.json` files; a symlink in the folder leading out of it is refused (issue 24). */
async function inputFiles(path: string): Promise<{ files: string[]; refused: { path: string; reason: string }[] }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new CollectorError(`declared grants not found: ${path}`, {
      cause,
      context: { source: 'declared_grants', file: path },
      hint: 'set sources.declared_grants.path to the output of `terraform show -json` (a file or a folder of them)',
    });
  }
  if (!info.isDirectory()) return { files: [path], refused: [] };
  const files: string[] = [];
  const refused: { path: string; reason: string }[] = [];
  for (const name of (await readdir(path)).filter((entry) => entry.endsWith('.json')).sort()) {
    const unsafe = unsafePathReason(path, name);
    if (unsafe) refused.push({ path: join(path, name), reason: `it ${describeReason(unsafe)} (${path})` });
    else files.push(join(path, name));
  }
  return { files, refused };
}

export const declaredGrantsCollector: SourceCollector = {
  name: 'declared_grants',
  description: 'Lake Formation grants declared as code (terraform show -json)',
  collect: (ctx) => collectDeclaredGrants(ctx),
};

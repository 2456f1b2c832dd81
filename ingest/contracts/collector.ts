/**
 * The `contracts` source: data-product contracts (YAML, one per product, anywhere under the folder)
 * → the `data_contracts` dataset. A file that does not parse or validate is quarantined with the
 * reason and the others still load.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parse } from 'yaml';
import type { RunContext, StageResult } from '../../lib/context.js';
import { CollectorError } from '../../lib/errors.js';
import { pathExists } from '../../lib/lake/atomic.js';
import { listFilesInside } from '../../lib/lake/safe-path.js';
import { columnTypes } from '../aws/dataset-spec.js';
import { quarantineFile, writeLocalDataset } from '../declared-grants/local-dataset.js';
import type { SourceCollector } from '../source.js';
import { type Contract, contractSchema } from './contract-schema.js';
import { dataContractsDataset } from './dataset.js';

export const CONTRACT_COLUMNS = columnTypes(dataContractsDataset);

export function contractRow(contract: Contract, sourceFile: string): Record<string, unknown> {
  const [database, table] = contract.table.split('.') as [string, string];
  return {
    product: contract.product,
    table_fqn: contract.table,
    database_name: database,
    table_name: table,
    account_id: contract.account_id,
    domain: contract.domain,
    owner_team: contract.owner?.team ?? null,
    owner_contact: contract.owner?.contact ?? null,
    sensitivity: contract.sensitivity ?? null,
    description: contract.description ?? null,
    sla_text: contract.freshness.sla ?? null,
    warn_lag_hours: contract.freshness.warn_lag_hours,
    max_lag_hours: contract.freshness.max_lag_hours,
    cadence: contract.cadence,
    partition_key: contract.partition_key,
    source_file: sourceFile,
  };
}

export async function collectContracts(ctx: RunContext): Promise<StageResult> {
  const configured = ctx.config.sources.contracts;
  if (!configured) return { stage: 'contracts', outputs: [], notes: ['not configured'], warnings: 0 };
  if (!(await pathExists(configured.path))) {
    throw new CollectorError(`contracts folder not found: ${configured.path}`, {
      context: { source: 'contracts', file: configured.path },
      hint: 'set sources.contracts.path to the folder of data-contract YAML files',
    });
  }
  // Symlinks are followed only inside the folder; one leading out is quarantined, not read (issue 24).
  const listing = await listFilesInside(configured.path);
  const files = listing.files.filter((file) => /\.ya?ml$/.test(file));
  const rows: Record<string, unknown>[] = [];
  const seen = new Map<string, string>();
  let quarantined = 0;
  for (const refused of listing.refused) {
    const name = relative(configured.path, refused.path);
    quarantined += 1;
    await quarantineFile(ctx.layout, 'contracts', name, `not read: ${refused.reason}`);
    ctx.logger.warn(`contracts: ${name} quarantined — not read: ${refused.reason}`);
  }
  for (const file of files) {
    const name = relative(configured.path, file);
    const reason = await loadContract(file, name, rows, seen);
    if (reason) {
      quarantined += 1;
      await quarantineFile(ctx.layout, 'contracts', name, reason);
      ctx.logger.warn(`contracts: ${name} quarantined — ${reason}`);
    }
  }
  const path = await writeLocalDataset(ctx.layout, 'data_contracts', CONTRACT_COLUMNS, rows);
  return {
    stage: 'contracts',
    outputs: [{ name: 'data_contracts', rows: rows.length, path }],
    notes: [`${rows.length} contracts${quarantined ? `, ${quarantined} quarantined` : ''}`],
    warnings: quarantined,
  };
}

/** Adds the contract's row; returns the reason when the file is rejected. */
async function loadContract(
  file: string,
  name: string,
  rows: Record<string, unknown>[],
  seen: Map<string, string>,
): Promise<string | undefined> {
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    return `not valid YAML: ${(error as Error).message.split('\n')[0]}`;
  }
  const parsed = contractSchema.safeParse(document);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ');
  }
  const earlier = seen.get(parsed.data.product);
  if (earlier) return `product ${parsed.data.product} is already defined in ${earlier}`;
  seen.set(parsed.data.product, name);
  rows.push(contractRow(parsed.data, name));
  return undefined;
}

export const contractsCollector: SourceCollector = {
  name: 'contracts',
  description: 'data-product contracts (YAML)',
  collect: (ctx) => collectContracts(ctx),
};

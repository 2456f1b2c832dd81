/**
 * Reads the data-product contracts (sources.contracts.path in the meshwatch config) for what the
 * alarms need: each product's name, domain and max lag. One freshness alarm per product, with the
 * contract's own threshold, rather than a number invented in the infra code.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';

export interface ProductContract {
  readonly product: string;
  readonly domain: string;
  /** Undefined when the contract sets no max lag; the alarm then uses the infra default. */
  readonly maxLagHours: number | undefined;
}

const contractFields = z.looseObject({
  product: z.string().min(1),
  domain: z.string().min(1),
  freshness: z.looseObject({ max_lag_hours: z.number().positive().optional() }).optional(),
});

/** Every contract under `dir` (recursively), sorted by product; an absent folder means none. */
export async function readProductContracts(dir: string | undefined): Promise<ProductContract[]> {
  if (!dir) return [];
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).filter((name) => /\.ya?ml$/.test(name));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read the contracts folder ${dir}`, { cause, context: { file: dir } });
  }
  const contracts: ProductContract[] = [];
  for (const name of entries.sort()) {
    const file = join(dir, name);
    const parsed = contractFields.safeParse(parse(await readFile(file, 'utf8')));
    if (!parsed.success) {
      throw new ConfigError(`contract ${file} lacks product, domain or a numeric freshness.max_lag_hours`, {
        context: { file },
        hint: 'each contract needs product, domain and freshness.max_lag_hours (see sample-logs/contracts)',
      });
    }
    contracts.push({
      product: parsed.data.product,
      domain: parsed.data.domain,
      maxLagHours: parsed.data.freshness?.max_lag_hours,
    });
  }
  return contracts.sort((a, b) => a.product.localeCompare(b.product));
}

/**
 * What the overview page and every page header show: which lake the site was built from, when,
 * the "now" the marts were computed against, and which marts held data.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ENV_REFRESHED_AT, lakeFromEnvironment, nowFromEnvironment } from './environment.js';
import { selectFromMart } from './marts.js';

/** The marts the pages read (transforms/DEFINITIONS.md "Mart columns"). */
export const DASHBOARD_MARTS = [
  'pii_access_history',
  'data_access',
  'domain_chargeback',
  'chargeback_matrix',
  'chargeback_focus',
  'product_freshness',
  'product_breaches',
  'grant_drift',
  'cloudtrail_coverage',
  'lf_settings_current',
] as const;

export interface MartStatus {
  readonly name: string;
  readonly available: boolean;
  readonly rows: number;
}

export interface LakeDescription {
  readonly lake: string;
  readonly refreshed_at: string;
  readonly now: string;
  readonly marts: readonly MartStatus[];
  readonly report_dates: readonly string[];
}

export async function describeLake(env: NodeJS.ProcessEnv = process.env): Promise<LakeDescription> {
  const lake = lakeFromEnvironment(env);
  const marts: MartStatus[] = [];
  for (const name of DASHBOARD_MARTS) {
    const selection = await selectFromMart(name, `select count(*) as row_count from ${name}`);
    marts.push({ name, available: selection.available, rows: Number(selection.rows[0]?.row_count ?? 0) });
  }
  return {
    lake,
    refreshed_at: env[ENV_REFRESHED_AT] ?? new Date().toISOString(),
    now: nowFromEnvironment(env).toISOString(),
    marts,
    report_dates: await reportDates(lake),
  };
}

async function reportDates(lake: string): Promise<string[]> {
  const entries = await readdir(join(lake, 'reports')).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return entries.filter((entry) => /^\d{4}-\d{2}-\d{2}$/.test(entry)).sort();
}

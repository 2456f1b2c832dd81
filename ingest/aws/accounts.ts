/** Which accounts an API collector reads: `sources.<name>.accounts` when set, else the accounts of the kinds it applies to. */
import { accountsOfKind } from '../../lib/config/accounts.js';
import type { AccountKind, MeshwatchConfig } from '../../lib/config/schema.js';

export function sourceAccounts(
  config: MeshwatchConfig,
  configured: readonly string[] | undefined,
  kinds: AccountKind[],
): string[] {
  if (configured && configured.length > 0) return [...configured];
  return accountsOfKind(config, ...kinds).map((account) => account.id);
}

/** Global APIs (Organizations, Cost Explorer) answer in us-east-1. */
export const GLOBAL_API_REGION = 'us-east-1';

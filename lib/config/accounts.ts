/** Lookups over the configured account map (config is the source of truth; Organizations may add to it). */
import type { AccountConfig, AccountKind, MeshwatchConfig } from './schema.js';

export function accountsOfKind(config: MeshwatchConfig, ...kinds: AccountKind[]): AccountConfig[] {
  return config.organization.accounts.filter((account) => kinds.includes(account.kind));
}

export function accountById(config: MeshwatchConfig, id: string): AccountConfig | undefined {
  return config.organization.accounts.find((account) => account.id === id);
}

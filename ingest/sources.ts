/**
 * The registry of collectors, in the order `meshwatch collect` runs them. Organizations first:
 * it completes the account map the others use.
 *
 * Each collector's module is imported only when its source runs: the AWS SDK clients behind them
 * take ~0.9 s to load, which would otherwise be most of a `collect --source cloudtrail` re-run
 * that finds nothing new (issue 4 asks for < 2 s).
 */
import type { SourceCollector } from './source.js';

export interface RegisteredCollector {
  /** The key under `sources:` in the config. */
  readonly name: SourceCollector['name'];
  load(): Promise<SourceCollector>;
}

export const sourceCollectors: readonly RegisteredCollector[] = [
  { name: 'organizations', load: async () => (await import('./organizations/collector.js')).organizationsCollector },
  { name: 'cloudtrail', load: async () => (await import('./cloudtrail/collector.js')).cloudtrailCollector },
  { name: 'lakeformation', load: async () => (await import('./lakeformation/collector.js')).lakeFormationCollector },
  { name: 'glue', load: async () => (await import('./glue/collector.js')).glueCollector },
  { name: 'athena', load: async () => (await import('./athena/collector.js')).athenaCollector },
  { name: 'cost_explorer', load: async () => (await import('./cost-explorer/collector.js')).costExplorerCollector },
  { name: 'declared_grants', load: async () => (await import('./declared-grants/collector.js')).declaredGrantsCollector },
  { name: 'contracts', load: async () => (await import('./contracts/collector.js')).contractsCollector },
];

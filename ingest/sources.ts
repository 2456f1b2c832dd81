/**
 * The registry of collectors, in the order `meshwatch collect` runs them. Organizations first:
 * it completes the account map the others use.
 */
import { contractsCollector } from './contracts/collector.js';
import { declaredGrantsCollector } from './declared-grants/collector.js';
import type { SourceCollector } from './source.js';

export const sourceCollectors: readonly SourceCollector[] = [declaredGrantsCollector, contractsCollector];

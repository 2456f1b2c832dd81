/**
 * The registry of collectors, in the order `meshwatch collect` runs them. Organizations first:
 * it completes the account map the others use.
 */
import type { SourceCollector } from './source.js';

export const sourceCollectors: readonly SourceCollector[] = [];

/**
 * The registry of collectors, in the order `meshwatch collect` runs them. Organizations first:
 * it completes the account map the others use.
 */

import { athenaCollector } from './athena/collector.js';
import { cloudtrailCollector } from './cloudtrail/collector.js';
import { contractsCollector } from './contracts/collector.js';
import { costExplorerCollector } from './cost-explorer/collector.js';
import { declaredGrantsCollector } from './declared-grants/collector.js';
import { glueCollector } from './glue/collector.js';
import { lakeFormationCollector } from './lakeformation/collector.js';
import { organizationsCollector } from './organizations/collector.js';
import type { SourceCollector } from './source.js';

export const sourceCollectors: readonly SourceCollector[] = [
  organizationsCollector,
  cloudtrailCollector,
  lakeFormationCollector,
  glueCollector,
  athenaCollector,
  costExplorerCollector,
  declaredGrantsCollector,
  contractsCollector,
];

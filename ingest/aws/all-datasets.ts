/** Every dataset the API collectors write, in documentation order. */
import { athenaDatasets } from '../athena/datasets.js';
import { costDailyDataset } from '../cost-explorer/datasets.js';
import { glueDatasets } from '../glue/datasets.js';
import { lakeFormationDatasets } from '../lakeformation/datasets.js';
import { orgAccountsDataset } from '../organizations/datasets.js';
import { collectionErrorsDataset } from './collection-errors.js';
import type { DatasetSpec } from './dataset-spec.js';

export const apiDatasetSpecs: readonly DatasetSpec[] = [
  orgAccountsDataset,
  ...lakeFormationDatasets,
  ...glueDatasets,
  ...athenaDatasets,
  costDailyDataset,
  collectionErrorsDataset,
];

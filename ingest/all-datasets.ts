/**
 * Every dataset any collector writes to the lake, declared once each: the models' sources, the
 * Athena tables and the docs are derived from this list.
 */
import { apiDatasetSpecs } from './aws/all-datasets.js';
import type { DatasetSpec } from './aws/dataset-spec.js';
import { cloudtrailDataset, cloudtrailObjectsDataset } from './cloudtrail/columns.js';
import { dataContractsDataset } from './contracts/dataset.js';
import { declaredGrantsDataset } from './declared-grants/dataset.js';

export const ALL_DATASET_SPECS: readonly DatasetSpec[] = [
  cloudtrailDataset,
  cloudtrailObjectsDataset,
  ...apiDatasetSpecs,
  declaredGrantsDataset,
  dataContractsDataset,
];

/**
 * Writes ingest/aws/DATASETS.md from the dataset declarations (run: npm run docs:datasets).
 * A test checks the file is current, so the docs cannot drift from the schema.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { apiDatasetSpecs } from './all-datasets.js';
import { renderDatasetDocs } from './dataset-spec.js';

export const DATASET_DOCS_PATH = fileURLToPath(new URL('./DATASETS.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(DATASET_DOCS_PATH, renderDatasetDocs(apiDatasetSpecs));
  console.log(`wrote ${DATASET_DOCS_PATH}`);
}

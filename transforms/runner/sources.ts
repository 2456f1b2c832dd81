/**
 * The inputs models may read through `{{ source('<name>') }}`: every raw dataset a collector writes
 * (derived from its declaration, every collected column visible) and the small config-derived
 * tables the runner loads. A model always sees the same, correctly typed columns: a dataset that
 * is absent (its source is not configured) becomes an empty table, and a declared column missing
 * from the dataset's files is an error (source-tables.ts), not a silent NULL.
 */
import { ALL_DATASET_SPECS } from '../../ingest/all-datasets.js';
import { columnTypes } from '../../ingest/aws/dataset-spec.js';

export type SourceColumns = Readonly<Record<string, string>>;

export interface SourceDefinition {
  readonly name: string;
  /** `dataset`: a folder of the lake; `config`: rows the runner derives from the configuration. */
  readonly kind: 'dataset' | 'config';
  readonly columns: SourceColumns;
}

/** Every collected dataset, with all the columns its collector writes (declared in ingest/). */
const DATASET_SOURCES: readonly SourceDefinition[] = ALL_DATASET_SPECS.map((spec) => ({
  name: spec.name,
  kind: 'dataset',
  columns: columnTypes(spec),
}));

/** Rows the runner derives from the configuration (transforms/index.ts loads them). */
const CONFIG_SOURCES: readonly SourceDefinition[] = [
  {
    name: 'config_accounts',
    kind: 'config',
    columns: { account_id: 'VARCHAR', account_name: 'VARCHAR', domain: 'VARCHAR', account_kind: 'VARCHAR' },
  },
  { name: 'config_regions', kind: 'config', columns: { region: 'VARCHAR' } },
];

export const SOURCES: readonly SourceDefinition[] = [...DATASET_SOURCES, ...CONFIG_SOURCES];

export function sourceDefinition(name: string): SourceDefinition | undefined {
  return SOURCES.find((source) => source.name === name);
}

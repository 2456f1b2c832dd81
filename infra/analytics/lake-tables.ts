/**
 * The lake's Parquet datasets and marts as Athena sees them, derived — never restated — from the
 * one declaration of each: the dataset specs (ingest/all-datasets.ts) and the marts' enforced
 * contracts (transforms/models/marts/*.yml). DuckDB types map to Hive types; DuckDB JSON columns
 * are Parquet strings to Athena. A test builds the sample lake and holds the Parquet schema, the
 * declarations and the synthesised Glue tables identical (test/e2e/declared-schemas.test.ts).
 */
import type * as glue from 'aws-cdk-lib/aws-glue';
import { ALL_DATASET_SPECS } from '../../ingest/all-datasets.js';
import { type DatasetSpec, storedColumns } from '../../ingest/aws/dataset-spec.js';
import { sourceCollectors } from '../../ingest/sources.js';
import { type MartContract, readMartContracts } from '../../transforms/runner/model.js';
import type { Deployment } from '../config/deployment.js';

export type AthenaType = string;

/** How Athena computes a partition key's values (partition projection: no crawler, no MSCK). */
export type Projection =
  | { readonly kind: 'date'; readonly format: 'yyyy-MM-dd' | 'yyyy-MM'; readonly unit: 'DAYS' | 'MONTHS' }
  | { readonly kind: 'accounts' }
  | { readonly kind: 'regions' }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

export interface LakeColumn {
  readonly name: string;
  readonly type: AthenaType;
  readonly comment?: string;
}

export interface LakeTable {
  readonly name: string;
  /** Folder under the lake root: `<dataset>` or `marts/<mart>`. */
  readonly folder: string;
  readonly description: string;
  /** The columns stored in the Parquet files, in file order. */
  readonly columns: readonly LakeColumn[];
  /** Hive partition keys in folder order. */
  readonly partitions: readonly (LakeColumn & { readonly projection: Projection })[];
}

const SIMPLE_TYPES: Readonly<Record<string, AthenaType>> = {
  VARCHAR: 'string',
  JSON: 'string',
  BIGINT: 'bigint',
  INTEGER: 'int',
  SMALLINT: 'smallint',
  TINYINT: 'tinyint',
  DOUBLE: 'double',
  FLOAT: 'float',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
};

/** A DuckDB type as DESCRIBE prints it → the Hive type of a Glue column. */
export function athenaType(duckdbType: string): AthenaType {
  if (duckdbType.endsWith('[]')) return `array<${athenaType(duckdbType.slice(0, -2))}>`;
  const simple = SIMPLE_TYPES[duckdbType];
  if (simple) return simple;
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duckdbType);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  throw new Error(`no Athena type for DuckDB type ${duckdbType}: add it to infra/analytics/lake-tables.ts`);
}

/** Glue allows 255 characters in a column comment. */
function comment(description: string | undefined): { comment?: string } {
  if (!description) return {};
  const text = description.replace(/\s+/g, ' ').trim();
  return { comment: text.length > 255 ? `${text.slice(0, 254)}…` : text };
}

function projectionFor(key: string, type: string): Projection {
  if (type === 'DATE') return { kind: 'date', format: 'yyyy-MM-dd', unit: 'DAYS' };
  if (key.endsWith('_month')) return { kind: 'date', format: 'yyyy-MM', unit: 'MONTHS' };
  if (key === 'account_id') return { kind: 'accounts' };
  if (key === 'region') return { kind: 'regions' };
  if (key === 'source') return { kind: 'enum', values: sourceCollectors.map((collector) => collector.name) };
  throw new Error(`no partition projection for key ${key}: add one to infra/analytics/lake-tables.ts`);
}

export function datasetTable(spec: DatasetSpec): LakeTable {
  const stored = storedColumns(spec);
  const toColumn = (column: (typeof stored)[number]) => ({
    name: column.name,
    type: athenaType(column.type),
    ...comment(column.description),
  });
  return {
    name: spec.name,
    folder: spec.name,
    description: spec.description,
    columns: stored.filter((column) => !spec.partitionBy.includes(column.name)).map(toColumn),
    partitions: stored
      .filter((column) => spec.partitionBy.includes(column.name))
      .map((column) => ({ ...toColumn(column), projection: projectionFor(column.name, column.type) })),
  };
}

export function martTable(contract: MartContract): LakeTable {
  const text = contract.description.replace(/\s+/g, ' ');
  return {
    name: contract.name,
    folder: `marts/${contract.name}`,
    description: text.length > 2048 ? `${text.slice(0, 2047)}…` : text,
    columns: contract.columns.map((column) => ({
      name: column.name,
      type: athenaType(column.data_type),
      ...comment(column.description),
    })),
    partitions: [],
  };
}

export const LAKE_TABLES: readonly LakeTable[] = [...ALL_DATASET_SPECS.map(datasetTable), ...readMartContracts().map(martTable)];

/** The Glue TableInput of a lake table stored at `location` (`s3://<bucket>/<folder>/`). */
export function glueTableInput(table: LakeTable, location: string, deployment: Deployment): glue.CfnTable.TableInputProperty {
  return {
    name: table.name,
    description: table.description,
    tableType: 'EXTERNAL_TABLE',
    parameters: { classification: 'parquet', EXTERNAL: 'TRUE', ...projectionParameters(table, location, deployment) },
    partitionKeys: table.partitions.map(({ name, type, comment }) => ({ name, type, ...(comment ? { comment } : {}) })),
    storageDescriptor: {
      location,
      columns: table.columns.map(({ name, type, comment }) => ({ name, type, ...(comment ? { comment } : {}) })),
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    },
  };
}

/** Partition projection: Athena computes partitions from these instead of the Glue catalog. */
function projectionParameters(table: LakeTable, location: string, deployment: Deployment): Record<string, string> {
  if (table.partitions.length === 0) return {};
  const parameters: Record<string, string> = { 'projection.enabled': 'true' };
  for (const { name, projection } of table.partitions) {
    const prefix = `projection.${name}`;
    if (projection.kind === 'date') {
      parameters[`${prefix}.type`] = 'date';
      parameters[`${prefix}.format`] = projection.format;
      const start = deployment.infra.athena.projection_start_date;
      parameters[`${prefix}.range`] = `${projection.format === 'yyyy-MM' ? start.slice(0, 7) : start},NOW`;
      parameters[`${prefix}.interval`] = '1';
      parameters[`${prefix}.interval.unit`] = projection.unit;
      continue;
    }
    const values =
      projection.kind === 'accounts'
        ? deployment.accounts.map((account) => account.id)
        : projection.kind === 'regions'
          ? deployment.regions
          : projection.values;
    parameters[`${prefix}.type`] = 'enum';
    parameters[`${prefix}.values`] = values.join(',');
  }
  parameters['storage.location.template'] =
    `${location}${table.partitions.map((partition) => `${partition.name}=\${${partition.name}}`).join('/')}/`;
  return parameters;
}

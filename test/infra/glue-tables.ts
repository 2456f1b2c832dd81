/**
 * The Glue tables of a synthesised analytics template, and the declarations they must equal —
 * written from the declarations here with the test's own DuckDB → Hive type table, not with the
 * code under test.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { ALL_DATASET_SPECS } from '../../ingest/all-datasets.js';
import { readMartContracts } from '../../transforms/runner/model.js';

export interface TableShape {
  /** `name type` of the columns stored in the files, in order. */
  readonly columns: readonly string[];
  /** `name type` of the Hive partition keys, in folder order. */
  readonly partitions: readonly string[];
}

/** The Hive type Athena must see for each DuckDB type the declarations use. */
export const HIVE_TYPE_OF: Readonly<Record<string, string>> = {
  VARCHAR: 'string',
  JSON: 'string',
  'VARCHAR[]': 'array<string>',
  BIGINT: 'bigint',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
};

interface GlueColumn {
  readonly Name: string;
  readonly Type: string;
}

export function synthesisedGlueTables(template: Template): Map<string, TableShape> {
  const tables = new Map<string, TableShape>();
  for (const resource of Object.values(template.findResources('AWS::Glue::Table'))) {
    const input = (resource as { Properties: { TableInput: Record<string, unknown> } }).Properties.TableInput as {
      Name: string;
      PartitionKeys?: GlueColumn[];
      StorageDescriptor: { Columns: GlueColumn[] };
    };
    tables.set(input.Name, {
      columns: input.StorageDescriptor.Columns.map((column) => `${column.Name} ${column.Type}`),
      partitions: (input.PartitionKeys ?? []).map((column) => `${column.Name} ${column.Type}`),
    });
  }
  return tables;
}

/** Every dataset and mart as declared, in DuckDB types (`name TYPE`). */
export function declaredShapes(): Map<string, TableShape> {
  const shapes = new Map<string, TableShape>();
  for (const spec of ALL_DATASET_SPECS) {
    const byName = new Map(spec.columns.map((column) => [column.name, column]));
    shapes.set(spec.name, {
      columns: spec.columns.filter((column) => !spec.partitionBy.includes(column.name)).map((c) => `${c.name} ${c.type}`),
      partitions: spec.partitionBy.map((key) => `${key} ${byName.get(key)?.type}`),
    });
  }
  for (const mart of readMartContracts()) {
    shapes.set(mart.name, { columns: mart.columns.map((c) => `${c.name} ${c.data_type}`), partitions: [] });
  }
  return shapes;
}

/** A DuckDB-typed shape in Hive types. */
export function inHiveTypes(shape: TableShape): TableShape {
  const convert = (column: string) => {
    const [name, type] = column.split(' ') as [string, string];
    const hive = HIVE_TYPE_OF[type];
    if (!hive) throw new Error(`the test knows no Hive type for ${type}: add it to HIVE_TYPE_OF`);
    return `${name} ${hive}`;
  };
  return { columns: shape.columns.map(convert), partitions: shape.partitions.map(convert) };
}

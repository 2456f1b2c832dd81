/** Flattens Glue catalog shapes into the declared columns. */
import type { Database, Partition, Table } from '@aws-sdk/client-glue';
import type { DatasetRow } from '../aws/dataset-writer.js';

export function databaseRow(database: Database): DatasetRow {
  return {
    catalog_id: database.CatalogId ?? null,
    database_name: database.Name ?? null,
    description: database.Description ?? null,
    location_uri: database.LocationUri ?? null,
    create_time: database.CreateTime ?? null,
    parameters: database.Parameters ?? null,
    target_database: database.TargetDatabase ?? null,
    raw: database,
  };
}

export function tableRow(table: Table): DatasetRow {
  return {
    catalog_id: table.CatalogId ?? null,
    database_name: table.DatabaseName ?? null,
    table_name: table.Name ?? null,
    table_type: table.TableType ?? null,
    owner: table.Owner ?? null,
    create_time: table.CreateTime ?? null,
    update_time: table.UpdateTime ?? null,
    storage_location: table.StorageDescriptor?.Location ?? null,
    partition_keys: (table.PartitionKeys ?? []).map((key) => key.Name ?? ''),
    columns: table.StorageDescriptor?.Columns ?? null,
    parameters: table.Parameters ?? null,
    target_table: table.TargetTable ?? null,
    raw: table,
  };
}

export function partitionRow(partition: Partition, databaseName: string, tableName: string): DatasetRow {
  return {
    catalog_id: partition.CatalogId ?? null,
    database_name: partition.DatabaseName ?? databaseName,
    table_name: partition.TableName ?? tableName,
    partition_values: partition.Values ?? [],
    creation_time: partition.CreationTime ?? null,
    last_access_time: partition.LastAccessTime ?? null,
    storage_location: partition.StorageDescriptor?.Location ?? null,
    parameters: partition.Parameters ?? null,
  };
}

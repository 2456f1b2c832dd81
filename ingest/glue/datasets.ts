/** The Glue catalog datasets, declared once; see ingest/aws/dataset-spec.ts. */
import { defineDataset } from '../aws/dataset-spec.js';
import { SCOPE_SNAPSHOT_PARTITIONS, scopeSnapshotColumns } from '../aws/meta-columns.js';

const snapshot = { kind: 'snapshot' } as const;

export const glueDatabasesDataset = defineDataset({
  name: 'glue_databases',
  description: 'Glue GetDatabases: the databases of the account catalog (resource links carry target_database).',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: snapshot,
  columns: scopeSnapshotColumns([
    { name: 'catalog_id', type: 'VARCHAR', description: 'CatalogId' },
    { name: 'database_name', type: 'VARCHAR', description: 'Name' },
    { name: 'description', type: 'VARCHAR', description: 'Description' },
    { name: 'location_uri', type: 'VARCHAR', description: 'LocationUri' },
    { name: 'create_time', type: 'TIMESTAMP', description: 'CreateTime' },
    { name: 'parameters', type: 'JSON', description: 'Parameters' },
    { name: 'target_database', type: 'JSON', description: 'TargetDatabase {CatalogId, DatabaseName, Region} of a resource link' },
    { name: 'raw', type: 'JSON', description: 'the Database as returned' },
  ]),
});

export const glueTablesDataset = defineDataset({
  name: 'glue_tables',
  description: 'Glue GetTables: every table (and resource link) of every database.',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: snapshot,
  columns: scopeSnapshotColumns([
    { name: 'catalog_id', type: 'VARCHAR', description: 'CatalogId' },
    { name: 'database_name', type: 'VARCHAR', description: 'DatabaseName' },
    { name: 'table_name', type: 'VARCHAR', description: 'Name' },
    { name: 'table_type', type: 'VARCHAR', description: 'TableType (EXTERNAL_TABLE, VIRTUAL_VIEW...)' },
    { name: 'owner', type: 'VARCHAR', description: 'Owner' },
    { name: 'create_time', type: 'TIMESTAMP', description: 'CreateTime' },
    { name: 'update_time', type: 'TIMESTAMP', description: 'UpdateTime (last catalog change: a freshness signal)' },
    { name: 'storage_location', type: 'VARCHAR', description: 'StorageDescriptor.Location' },
    { name: 'partition_keys', type: 'VARCHAR[]', description: 'PartitionKeys[].Name' },
    { name: 'columns', type: 'JSON', description: 'StorageDescriptor.Columns [{Name, Type, Comment}]' },
    { name: 'parameters', type: 'JSON', description: 'Parameters (classification, sizeInBytes/totalSize...)' },
    { name: 'target_table', type: 'JSON', description: 'TargetTable {CatalogId, DatabaseName, Name, Region} of a resource link' },
    { name: 'raw', type: 'JSON', description: 'the Table as returned' },
  ]),
});

export const gluePartitionsDataset = defineDataset({
  name: 'glue_partitions',
  description: 'Glue GetPartitions: every partition of every partitioned table (resource links and views skipped).',
  partitionBy: [...SCOPE_SNAPSHOT_PARTITIONS],
  mode: snapshot,
  columns: scopeSnapshotColumns([
    { name: 'catalog_id', type: 'VARCHAR', description: 'CatalogId' },
    { name: 'database_name', type: 'VARCHAR', description: 'DatabaseName' },
    { name: 'table_name', type: 'VARCHAR', description: 'TableName' },
    { name: 'partition_values', type: 'VARCHAR[]', description: 'Values, in partition key order' },
    { name: 'creation_time', type: 'TIMESTAMP', description: 'CreationTime (when the partition landed: a freshness signal)' },
    { name: 'last_access_time', type: 'TIMESTAMP', description: 'LastAccessTime' },
    { name: 'storage_location', type: 'VARCHAR', description: 'StorageDescriptor.Location' },
    { name: 'parameters', type: 'JSON', description: 'Parameters' },
  ]),
});

export const glueDatasets = [glueDatabasesDataset, glueTablesDataset, gluePartitionsDataset];

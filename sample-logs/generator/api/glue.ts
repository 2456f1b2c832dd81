/**
 * Glue catalog snapshots at `now`: GetDatabases, GetTables (UpdateTime = the last UpdateTable, else
 * creation; StorageDescriptor.Location; PartitionKeys; Parameters with sizeInBytes) and
 * GetPartitions (CreationTime = when the pipeline created the partition), consistent with the
 * CloudTrail Glue events. The data-science account's resource link is recorded too.
 */
import { DATA_SCIENCE, PRIMARY_REGION, PRODUCTS, type Product, productByFqn, RESOURCE_LINK, s3Location } from '../org.js';
import { type CatalogWrite, TABLES_CREATED_AT } from '../plan/glue.js';
import { epochSeconds } from '../time.js';
import type { SnapshotWriter } from './snapshot-writer.js';

const PARQUET = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: {
    SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    Parameters: { 'serialization.format': '1' },
  },
};

function storage(product: Product, location: string, withColumns: boolean) {
  return {
    ...(withColumns ? { Columns: product.columns.map((column) => ({ Name: column.name, Type: column.type })) } : {}),
    Location: location,
    ...PARQUET,
    Compressed: false,
    NumberOfBuckets: -1,
    BucketColumns: [],
    SortColumns: [],
    StoredAsSubDirectories: false,
  };
}

function tableBody(product: Product, writes: readonly CatalogWrite[]) {
  const created = Date.parse(TABLES_CREATED_AT);
  const lastUpdateTable = writes
    .filter((write) => write.product === product && write.eventName === 'UpdateTable' && !write.errorCode)
    .at(-1);
  return {
    Name: product.table,
    DatabaseName: product.database,
    Description: product.description,
    Owner: 'hadoop',
    CreateTime: epochSeconds(created),
    UpdateTime: epochSeconds(lastUpdateTable?.atMs ?? created),
    Retention: 0,
    StorageDescriptor: storage(product, s3Location(product), true),
    PartitionKeys: [{ Name: product.partitionKey, Type: 'string' }],
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      classification: 'parquet',
      sizeInBytes: String(product.sizeInBytes),
      'projection.enabled': 'false',
      data_product: `${product.domain}.${product.table}`,
    },
    CreatedBy: `arn:aws:sts::${product.accountId}:assumed-role/lf-terraform-apply/terraform-ci`,
    IsRegisteredWithLakeFormation: true,
    CatalogId: product.accountId,
    VersionId: String(writes.filter((write) => write.product === product && write.eventName === 'UpdateTable').length),
  };
}

export function writeGlue(writer: SnapshotWriter, writes: readonly CatalogWrite[], nowMs: number): void {
  const accounts = [...new Set(PRODUCTS.map((product) => product.accountId))];
  const done = writes.filter((write) => !write.errorCode && write.atMs < nowMs);
  for (const accountId of accounts) {
    const meta = { service: 'glue', account: accountId, region: PRIMARY_REGION };
    const products = PRODUCTS.filter((product) => product.accountId === accountId);
    const database = products[0]!.database;
    writer.paged(
      { ...meta, operation: 'GetDatabases', request: {} },
      'DatabaseList',
      [
        {
          Name: database,
          Description: `${products[0]!.domain} domain data products`,
          LocationUri: `s3://nimbuscart-${products[0]!.domain}-lake/${database}/`,
          Parameters: {},
          CreateTime: epochSeconds(Date.parse(TABLES_CREATED_AT) - 3_600_000),
          CreateTableDefaultPermissions: [],
          CatalogId: accountId,
        },
      ],
      100,
    );
    writer.paged(
      { ...meta, operation: 'GetTables', request: { DatabaseName: database }, discriminator: database },
      'TableList',
      products.map((product) => tableBody(product, done)),
      100,
    );
    for (const product of products) {
      const partitions = done
        .filter((write) => write.product === product && write.eventName !== 'UpdateTable')
        .flatMap((write) =>
          write.partitions.map((value) => ({
            Values: [value],
            DatabaseName: product.database,
            TableName: product.table,
            CreationTime: epochSeconds(write.atMs),
            StorageDescriptor: storage(product, `${s3Location(product)}${product.partitionKey}=${value}/`, false),
            Parameters: {},
            CatalogId: product.accountId,
          })),
        );
      writer.paged(
        {
          ...meta,
          operation: 'GetPartitions',
          request: { DatabaseName: product.database, TableName: product.table },
          discriminator: `${product.database}.${product.table}`,
        },
        'Partitions',
        partitions,
        500,
      );
    }
  }
  const target = productByFqn(RESOURCE_LINK.target);
  const linkMeta = { service: 'glue', account: DATA_SCIENCE, region: PRIMARY_REGION };
  writer.paged(
    { ...linkMeta, operation: 'GetDatabases', request: {} },
    'DatabaseList',
    [
      {
        Name: RESOURCE_LINK.database,
        Description: 'Resource links to shared data products',
        Parameters: {},
        CreateTime: epochSeconds(Date.parse(TABLES_CREATED_AT)),
        CatalogId: DATA_SCIENCE,
      },
    ],
    100,
  );
  writer.paged(
    {
      ...linkMeta,
      operation: 'GetTables',
      request: { DatabaseName: RESOURCE_LINK.database },
      discriminator: RESOURCE_LINK.database,
    },
    'TableList',
    [
      {
        Name: RESOURCE_LINK.table,
        DatabaseName: RESOURCE_LINK.database,
        CreateTime: epochSeconds(Date.parse(TABLES_CREATED_AT)),
        UpdateTime: epochSeconds(Date.parse(TABLES_CREATED_AT)),
        Retention: 0,
        TableType: 'EXTERNAL_TABLE',
        TargetTable: { CatalogId: target.accountId, DatabaseName: target.database, Name: target.table, Region: PRIMARY_REGION },
        IsRegisteredWithLakeFormation: false,
        CatalogId: DATA_SCIENCE,
      },
    ],
    100,
  );
}

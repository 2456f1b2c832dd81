/** CloudTrail records of the planned Glue catalog writes (CreatePartition, BatchCreatePartition, UpdateTable). */
import type { Actor } from '../actors.js';
import { PRIMARY_REGION, type Product, s3Location } from '../org.js';
import type { CatalogWrite } from '../plan/glue.js';
import { envelope, GLUE_USER_AGENT, identityOf, sourceIpOf } from './record.js';
import { type RoutedRecord, route } from './routed.js';

function partitionInput(product: Product, value: string) {
  return {
    values: [value],
    storageDescriptor: {
      location: `${s3Location(product)}${product.partitionKey}=${value}/`,
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    },
  };
}

export function catalogWriteRecord(write: CatalogWrite): RoutedRecord {
  const product = write.product;
  const actor: Actor = {
    kind: 'role',
    accountId: product.accountId,
    role: product.pipelineRole,
    session: 'GlueJobRunnerSession',
  };
  let requestParameters: unknown;
  let responseElements: unknown = null;
  if (write.eventName === 'CreatePartition') {
    requestParameters = {
      catalogId: product.accountId,
      databaseName: product.database,
      tableName: product.table,
      partitionInput: partitionInput(product, write.partitions[0]!),
    };
  } else if (write.eventName === 'BatchCreatePartition') {
    requestParameters = {
      catalogId: product.accountId,
      databaseName: product.database,
      tableName: product.table,
      partitionInputList: write.partitions.map((value) => partitionInput(product, value)),
    };
    responseElements = write.errorCode ? null : { errors: [] };
  } else {
    requestParameters = {
      catalogId: product.accountId,
      databaseName: product.database,
      tableInput: {
        name: product.table,
        parameters: { classification: 'parquet', last_refreshed_by: product.pipelineRole },
        partitionKeys: [{ name: product.partitionKey, type: 'string' }],
      },
      skipArchive: true,
    };
  }
  return route(
    product.accountId,
    PRIMARY_REGION,
    envelope({
      eventVersion: '1.08',
      userIdentity: identityOf(actor, write.atMs),
      atMs: write.atMs,
      eventSource: 'glue.amazonaws.com',
      eventName: write.eventName,
      region: PRIMARY_REGION,
      sourceIPAddress: sourceIpOf(actor),
      userAgent: GLUE_USER_AGENT,
      requestParameters,
      responseElements,
      requestId: write.requestId,
      eventId: write.eventId,
      readOnly: false,
      recipientAccountId: product.accountId,
      errorCode: write.errorCode,
      errorMessage: write.errorCode ? 'Internal service error, please retry' : null,
      tlsHost: `glue.${PRIMARY_REGION}.amazonaws.com`,
    }),
    write.atMs,
  );
}

import { describe, expect, it } from 'vitest';
import { createGlueCollector } from '../../../ingest/glue/collector.js';
import { fakeDependencies, miniOrgConfig, PRODUCER, testContext, useMiniOrgOnFakeAws } from '../aws/mini-org.js';

describe('glue collector', () => {
  const env = useMiniOrgOnFakeAws();

  it('writes databases, every page of tables and partitions, with catalog times as UTC timestamps', async () => {
    // Prepare
    const ctx = testContext(miniOrgConfig({ lake: env.org.lake, endpoint: env.fake.endpoint }));
    // Act
    await createGlueCollector(fakeDependencies).collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const databases = await db.all('SELECT account_id, database_name, location_uri, create_time FROM glue_databases');
    const tables = await db.all(
      `SELECT table_name, table_type, update_time, storage_location, partition_keys, parameters->>'sizeInBytes' AS size
       FROM glue_tables ORDER BY table_name`,
    );
    const partitions = await db.all(
      'SELECT table_name, partition_values, creation_time FROM glue_partitions ORDER BY creation_time',
    );
    db.close();
    expect(databases).toEqual([
      {
        account_id: PRODUCER,
        database_name: 'sales_db',
        location_uri: 's3://sales-lake/sales_db/',
        create_time: new Date(1780000000 * 1000).toISOString(),
      },
    ]);
    expect(tables).toEqual([
      {
        table_name: 'customers',
        table_type: 'EXTERNAL_TABLE',
        update_time: new Date(1792000000 * 1000).toISOString(),
        storage_location: 's3://sales-lake/sales_db/customers/',
        partition_keys: [],
        size: null,
      },
      {
        table_name: 'orders',
        table_type: 'EXTERNAL_TABLE',
        update_time: new Date(1792540800 * 1000).toISOString(),
        storage_location: 's3://sales-lake/sales_db/orders/',
        partition_keys: ['dt'],
        size: '1000',
      },
    ]);
    expect(partitions).toEqual([
      { table_name: 'orders', partition_values: ['2026-10-29'], creation_time: new Date(1792800000 * 1000).toISOString() },
      { table_name: 'orders', partition_values: ['2026-10-30'], creation_time: new Date(1792886400 * 1000).toISOString() },
    ]);
    // customers has no partition keys: no GetPartitions for it.
    expect(env.fake.requestsFor('GetPartitions').map((request) => request.params.TableName)).toEqual(['orders', 'orders']);
  });
});

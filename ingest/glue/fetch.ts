/** Async generators over the Glue catalog of one account and region (SDK paginators, through the paging guard). */
import {
  type Database,
  type GlueClient,
  type Partition,
  paginateGetDatabases,
  paginateGetPartitions,
  paginateGetTables,
  type Table,
} from '@aws-sdk/client-glue';
import { boundedPages, type PageLimit } from '../aws/paging.js';

export async function* glueDatabases(client: GlueClient, paging: PageLimit): AsyncGenerator<Database> {
  for await (const page of boundedPages('GetDatabases', paginateGetDatabases({ client }, {}), paging)) {
    yield* page.DatabaseList ?? [];
  }
}

export async function* glueTables(client: GlueClient, databaseName: string, paging: PageLimit): AsyncGenerator<Table> {
  const pages = paginateGetTables({ client }, { DatabaseName: databaseName });
  for await (const page of boundedPages('GetTables', pages, paging)) yield* page.TableList ?? [];
}

export async function* gluePartitions(
  client: GlueClient,
  databaseName: string,
  tableName: string,
  paging: PageLimit,
): AsyncGenerator<Partition> {
  // Partitions repeat the table's column schema; leaving it out keeps large tables' pages small.
  const input = { DatabaseName: databaseName, TableName: tableName, ExcludeColumnSchema: true };
  for await (const page of boundedPages('GetPartitions', paginateGetPartitions({ client }, input), paging)) {
    yield* page.Partitions ?? [];
  }
}

/** Every table of every database of the account's catalog. */
export async function* glueCatalogTables(
  client: GlueClient,
  paging: PageLimit,
): AsyncGenerator<{ database: Database; table: Table }> {
  for await (const database of glueDatabases(client, paging)) {
    if (!database.Name) continue;
    for await (const table of glueTables(client, database.Name, paging)) yield { database, table };
  }
}

/** Async generators over the Glue catalog of one account and region (SDK paginators). */
import {
  type Database,
  type GlueClient,
  type Partition,
  paginateGetDatabases,
  paginateGetPartitions,
  paginateGetTables,
  type Table,
} from '@aws-sdk/client-glue';

export async function* glueDatabases(client: GlueClient): AsyncGenerator<Database> {
  for await (const page of paginateGetDatabases({ client }, {})) yield* page.DatabaseList ?? [];
}

export async function* glueTables(client: GlueClient, databaseName: string): AsyncGenerator<Table> {
  for await (const page of paginateGetTables({ client }, { DatabaseName: databaseName })) yield* page.TableList ?? [];
}

export async function* gluePartitions(client: GlueClient, databaseName: string, tableName: string): AsyncGenerator<Partition> {
  // Partitions repeat the table's column schema; leaving it out keeps large tables' pages small.
  const input = { DatabaseName: databaseName, TableName: tableName, ExcludeColumnSchema: true };
  for await (const page of paginateGetPartitions({ client }, input)) {
    yield* page.Partitions ?? [];
  }
}

/** Every table of every database of the account's catalog. */
export async function* glueCatalogTables(client: GlueClient): AsyncGenerator<{ database: Database; table: Table }> {
  for await (const database of glueDatabases(client)) {
    if (!database.Name) continue;
    for await (const table of glueTables(client, database.Name)) yield { database, table };
  }
}

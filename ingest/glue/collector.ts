/** Glue collector (producer, governance and consumer accounts — consumers hold resource links): databases, tables and partitions. */
import { GlueClient } from '@aws-sdk/client-glue';
import { sourceAccounts } from '../aws/accounts.js';
import { type ApiCollectorDependencies, type CollectedRow, defineApiCollector, type ScopeContext } from '../aws/api-collector.js';
import type { SourceCollector } from '../source.js';
import { glueDatabasesDataset, gluePartitionsDataset, glueTablesDataset } from './datasets.js';
import { glueDatabases, gluePartitions, glueTables } from './fetch.js';
import { databaseRow, partitionRow, tableRow } from './rows.js';

async function* collectScope(scope: ScopeContext): AsyncGenerator<CollectedRow> {
  const glue = scope.client(GlueClient);
  for await (const database of glueDatabases(glue, scope.paging)) {
    yield { dataset: glueDatabasesDataset, row: databaseRow(database) };
    if (!database.Name || database.TargetDatabase) continue;
    for await (const table of glueTables(glue, database.Name, scope.paging)) {
      yield { dataset: glueTablesDataset, row: tableRow(table) };
      // Resource links and views have no partitions of their own.
      if (!table.Name || table.TargetTable || (table.PartitionKeys ?? []).length === 0) continue;
      for await (const partition of gluePartitions(glue, database.Name, table.Name, scope.paging)) {
        yield { dataset: gluePartitionsDataset, row: partitionRow(partition, database.Name, table.Name) };
      }
    }
  }
}

export function createGlueCollector(dependencies: ApiCollectorDependencies = {}): SourceCollector {
  return defineApiCollector(
    {
      name: 'glue',
      description:
        'Glue databases, tables and partitions (resource links included) of producer, governance and consumer accounts',
      datasets: [glueDatabasesDataset, glueTablesDataset, gluePartitionsDataset].map((spec) => ({
        spec,
        meta: 'scope-snapshot' as const,
      })),
      accounts: (config) => sourceAccounts(config, config.sources.glue?.accounts, ['producer', 'governance', 'consumer']),
      regions: (config) => config.regions,
      collectScope,
    },
    dependencies,
  );
}

export const glueCollector = createGlueCollector();

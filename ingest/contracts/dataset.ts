/** The `data_contracts` dataset, declared once; see ingest/aws/dataset-spec.ts. */
import { defineDataset } from '../aws/dataset-spec.js';

export const dataContractsDataset = defineDataset({
  name: 'data_contracts',
  description: 'Data-product contracts (one YAML file per product): owner, sensitivity and freshness SLA of each table.',
  partitionBy: [],
  mode: { kind: 'own-writer', summary: 'each run replaces the one file with every valid contract' },
  columns: [
    { name: 'product', type: 'VARCHAR', description: 'the data product name' },
    { name: 'table_fqn', type: 'VARCHAR', description: '<database>.<table> the contract covers' },
    { name: 'database_name', type: 'VARCHAR', description: 'the database part of table_fqn' },
    { name: 'table_name', type: 'VARCHAR', description: 'the table part of table_fqn' },
    { name: 'account_id', type: 'VARCHAR', description: 'the producer account' },
    { name: 'domain', type: 'VARCHAR', description: 'the producer domain' },
    { name: 'owner_team', type: 'VARCHAR', description: 'owner.team' },
    { name: 'owner_contact', type: 'VARCHAR', description: 'owner.contact' },
    { name: 'sensitivity', type: 'VARCHAR', description: 'sensitivity (e.g. pii, internal)' },
    { name: 'description', type: 'VARCHAR', description: 'description' },
    { name: 'sla_text', type: 'VARCHAR', description: 'freshness.sla, as written' },
    { name: 'warn_lag_hours', type: 'DOUBLE', description: 'freshness.warn_lag_hours' },
    { name: 'max_lag_hours', type: 'DOUBLE', description: 'freshness.max_lag_hours' },
    { name: 'cadence', type: 'VARCHAR', description: 'the expected partition cadence' },
    { name: 'partition_key', type: 'VARCHAR', description: 'the partition key the completeness check reads' },
    { name: 'source_file', type: 'VARCHAR', description: 'the contract file, relative to the contracts folder' },
  ],
});

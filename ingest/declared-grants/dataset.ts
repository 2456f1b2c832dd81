/** The `declared_grants` dataset, declared once; see ingest/aws/dataset-spec.ts. */
import { defineDataset } from '../aws/dataset-spec.js';

export const declaredGrantsDataset = defineDataset({
  name: 'declared_grants',
  description: 'Lake Formation grants declared as code (`terraform show -json`): the state the live grants are compared with.',
  partitionBy: [],
  mode: { kind: 'own-writer', summary: 'each run replaces the one file with the whole declared state' },
  columns: [
    { name: 'address', type: 'VARCHAR', description: 'the terraform resource address' },
    { name: 'account_id', type: 'VARCHAR', description: 'the account the grant is made in (catalog id)' },
    { name: 'principal', type: 'VARCHAR', description: 'the grantee (role ARN, account id, IAM_ALLOWED_PRINCIPALS...)' },
    { name: 'resource_type', type: 'VARCHAR', description: 'DATABASE, TABLE, COLUMNS, DATA_LOCATION, LF_TAG_POLICY...' },
    { name: 'resource', type: 'VARCHAR', description: 'the canonical resource, as the live grants spell it' },
    { name: 'database_name', type: 'VARCHAR', description: 'the database, when the resource names one' },
    { name: 'table_name', type: 'VARCHAR', description: 'the table, when the resource names one' },
    { name: 'permissions', type: 'VARCHAR[]', description: 'permissions granted' },
    { name: 'permissions_with_grant_option', type: 'VARCHAR[]', description: 'permissions the grantee may grant on' },
    { name: 'source_file', type: 'VARCHAR', description: 'the terraform JSON file it was read from' },
  ],
});

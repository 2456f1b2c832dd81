/** The Organizations dataset, declared once; see ingest/aws/dataset-spec.ts. */
import { defineDataset } from '../aws/dataset-spec.js';
import { SNAPSHOT_AT, SNAPSHOT_DATE } from '../aws/meta-columns.js';

export const orgAccountsDataset = defineDataset({
  name: 'org_accounts',
  description:
    'Organizations ListAccounts + ListTagsForResource: the member accounts, their tags and domain (the models merge it with config; config wins).',
  partitionBy: ['snapshot_date'],
  mode: { kind: 'snapshot' },
  columns: [
    SNAPSHOT_AT,
    { name: 'account_id', type: 'VARCHAR', description: 'Id' },
    { name: 'name', type: 'VARCHAR', description: 'Name' },
    { name: 'email', type: 'VARCHAR', description: 'Email' },
    { name: 'status', type: 'VARCHAR', description: 'State (ACTIVE, SUSPENDED...), else the older Status' },
    { name: 'joined_at', type: 'TIMESTAMP', description: 'JoinedTimestamp' },
    { name: 'joined_method', type: 'VARCHAR', description: 'JoinedMethod (INVITED, CREATED)' },
    { name: 'arn', type: 'VARCHAR', description: 'Arn' },
    { name: 'tags', type: 'JSON', description: 'the account tags as {key: value}' },
    { name: 'domain', type: 'VARCHAR', description: 'the value of the domain tag (sources.organizations.domain_tag_key)' },
    SNAPSHOT_DATE,
  ],
});

/**
 * A tiny organisation for the API collector tests: one management, governance, producer and
 * consumer account in us-east-1, with recorded responses (several pages where paging matters)
 * served by the fake AWS service, and a config pointing the collectors at it.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll } from 'vitest';
import type { ApiCollectorDependencies } from '../../../ingest/aws/api-collector.js';
import { createAwsAccess } from '../../../ingest/aws/clients.js';
import { type LoadedConfig, parseConfig } from '../../../lib/config/load.js';
import { createContext, type RunContext } from '../../../lib/context.js';
import { createMemoryLogger } from '../../../lib/log.js';
import { type FixtureEntry, makeTempDir, writeApiFixture } from '../../fake-aws/fixtures.js';
import { type FakeAws, startFakeAws } from '../../fake-aws/index.js';

export const MANAGEMENT = '200000000001';
export const GOVERNANCE = '200000000003';
export const PRODUCER = '311111111111';
export const CONSUMER = '411111111111';
export const NOW = '2026-10-31T00:00:00Z';

const accountEntry = (id: string, name: string) => ({
  Id: id,
  Name: name,
  Email: `aws+${name}@example.com`,
  Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-abc123def4/${id}`,
  State: 'ACTIVE',
  JoinedMethod: 'CREATED',
  JoinedTimestamp: 1700000000,
});

function costResults(start: string, days: number, estimatedFrom: string, groups: (day: string) => unknown[]) {
  const results = [];
  for (let index = 0; index < days; index += 1) {
    const day = new Date(Date.parse(`${start}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10);
    const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    results.push({ TimePeriod: { Start: day, End: end }, Total: {}, Groups: groups(day), Estimated: day >= estimatedFrom });
  }
  return results;
}

const money = (amount: number) => ({ Amount: amount.toFixed(4), Unit: 'USD' });

/** 60 days of cost (2026-09-01..2026-10-30), the last two estimated, two pages per grouping. */
function costEntries(): FixtureEntry[] {
  const base = { Granularity: 'DAILY', Metrics: ['UnblendedCost', 'AmortizedCost'] };
  const byService = costResults('2026-09-01', 60, '2026-10-29', () => [
    { Keys: [PRODUCER, 'Amazon Simple Storage Service'], Metrics: { UnblendedCost: money(2.5), AmortizedCost: money(2.4) } },
    { Keys: [CONSUMER, 'Amazon Athena'], Metrics: { UnblendedCost: money(1.25), AmortizedCost: money(1.25) } },
  ]);
  const byTag = costResults('2026-09-01', 60, '2026-10-29', () => [
    { Keys: ['domain$sales'], Metrics: { UnblendedCost: money(2.5), AmortizedCost: money(2.4) } },
    { Keys: ['domain$'], Metrics: { UnblendedCost: money(0.5), AmortizedCost: money(0.5) } },
  ]);
  return [
    {
      service: 'cost-explorer',
      operation: 'GetCostAndUsage',
      account: MANAGEMENT,
      request: {
        ...base,
        GroupBy: [
          { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
          { Type: 'DIMENSION', Key: 'SERVICE' },
        ],
      },
      pages: [{ ResultsByTime: byService.slice(0, 30) }, { ResultsByTime: byService.slice(30) }],
    },
    {
      service: 'cost-explorer',
      operation: 'GetCostAndUsage',
      account: MANAGEMENT,
      request: { ...base, GroupBy: [{ Type: 'TAG', Key: 'domain' }] },
      pages: [{ ResultsByTime: byTag.slice(0, 30) }, { ResultsByTime: byTag.slice(30) }],
    },
  ];
}

function queryExecution(id: string, minute: number) {
  return {
    QueryExecutionId: id,
    Query: `SELECT * FROM sales_db.orders -- ${id}`,
    StatementType: 'DML',
    WorkGroup: 'analysts',
    QueryExecutionContext: { Database: 'sales_db', Catalog: 'AwsDataCatalog' },
    Status: {
      State: id === 'q-failed' ? 'FAILED' : 'SUCCEEDED',
      SubmissionDateTime: Date.parse(`2026-10-30T10:${String(minute).padStart(2, '0')}:00Z`) / 1000,
      CompletionDateTime: Date.parse(`2026-10-30T10:${String(minute).padStart(2, '0')}:30Z`) / 1000,
      ...(id === 'q-failed' ? { AthenaError: { ErrorCategory: 2, ErrorType: 1301, ErrorMessage: 'TABLE_NOT_FOUND' } } : {}),
    },
    Statistics: { DataScannedInBytes: 1048576 * minute, EngineExecutionTimeInMillis: 900, TotalExecutionTimeInMillis: 1000 },
  };
}

export const QUERY_IDS = ['q5', 'q4', 'q3', 'q2', 'q-failed'];

export function miniOrgEntries(): FixtureEntry[] {
  return [
    {
      service: 'organizations',
      operation: 'ListAccounts',
      account: MANAGEMENT,
      pages: [
        { Accounts: [accountEntry(MANAGEMENT, 'management'), accountEntry(GOVERNANCE, 'governance')] },
        { Accounts: [accountEntry(PRODUCER, 'sales-prod'), accountEntry(CONSUMER, 'analytics-prod')] },
      ],
    },
    ...[
      [MANAGEMENT, 'platform'],
      [GOVERNANCE, 'governance'],
      [PRODUCER, 'sales'],
      [CONSUMER, 'analytics'],
    ].map(([id, domain]) => ({
      service: 'organizations',
      operation: 'ListTagsForResource',
      account: MANAGEMENT,
      request: { ResourceId: id },
      pages: [
        {
          Tags: [
            { Key: 'domain', Value: domain },
            { Key: 'env', Value: 'prod' },
          ],
        },
      ],
    })),
    {
      service: 'lakeformation',
      operation: 'ListPermissions',
      account: PRODUCER,
      pages: [
        {
          PrincipalResourcePermissions: [
            {
              Principal: { DataLakePrincipalIdentifier: CONSUMER },
              Resource: {
                LFTagPolicy: {
                  CatalogId: PRODUCER,
                  ResourceType: 'TABLE',
                  Expression: [{ TagKey: 'domain', TagValues: ['sales'] }],
                },
              },
              Permissions: ['SELECT', 'DESCRIBE'],
              PermissionsWithGrantOption: [],
              LastUpdated: 1790000000,
              LastUpdatedBy: `arn:aws:iam::${PRODUCER}:role/admin`,
            },
            {
              Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' },
              Resource: { Table: { CatalogId: PRODUCER, DatabaseName: 'sales_db', TableWildcard: {} } },
              Permissions: ['ALL'],
              PermissionsWithGrantOption: [],
            },
          ],
        },
        {
          PrincipalResourcePermissions: [
            {
              Principal: { DataLakePrincipalIdentifier: `arn:aws:iam::${CONSUMER}:role/churn` },
              Resource: {
                TableWithColumns: {
                  CatalogId: PRODUCER,
                  DatabaseName: 'sales_db',
                  Name: 'customers',
                  ColumnWildcard: { ExcludedColumnNames: ['email'] },
                },
              },
              Permissions: ['SELECT'],
              PermissionsWithGrantOption: [],
            },
          ],
        },
        {
          PrincipalResourcePermissions: [
            {
              Principal: { DataLakePrincipalIdentifier: `arn:aws:iam::${PRODUCER}:role/etl` },
              Resource: { DataLocation: { CatalogId: PRODUCER, ResourceArn: 'arn:aws:s3:::sales-lake' } },
              Permissions: ['DATA_LOCATION_ACCESS'],
              PermissionsWithGrantOption: [],
            },
          ],
        },
      ],
    },
    {
      service: 'lakeformation',
      operation: 'ListPermissions',
      account: GOVERNANCE,
      pages: [
        {
          PrincipalResourcePermissions: [
            {
              Principal: { DataLakePrincipalIdentifier: `arn:aws:iam::${GOVERNANCE}:role/auditor` },
              Resource: { LFTag: { CatalogId: GOVERNANCE, TagKey: 'sensitivity', TagValues: ['pii', 'public'] } },
              Permissions: ['DESCRIBE'],
              PermissionsWithGrantOption: [],
            },
          ],
        },
      ],
    },
    ...[PRODUCER, GOVERNANCE].map((account) => ({
      service: 'lakeformation',
      operation: 'GetDataLakeSettings',
      account,
      pages: [
        {
          DataLakeSettings: {
            DataLakeAdmins: [{ DataLakePrincipalIdentifier: `arn:aws:iam::${account}:role/admin` }],
            CreateDatabaseDefaultPermissions:
              account === PRODUCER
                ? [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }]
                : [],
            CreateTableDefaultPermissions: [],
            TrustedResourceOwners: [],
            AllowExternalDataFiltering: false,
          },
        },
      ],
    })),
    {
      service: 'lakeformation',
      operation: 'ListLFTags',
      account: GOVERNANCE,
      pages: [
        { LFTags: [{ CatalogId: GOVERNANCE, TagKey: 'domain', TagValues: ['sales', 'analytics'] }] },
        { LFTags: [{ CatalogId: GOVERNANCE, TagKey: 'sensitivity', TagValues: ['pii', 'public'] }] },
      ],
    },
    {
      service: 'lakeformation',
      operation: 'GetResourceLFTags',
      account: PRODUCER,
      request: { Resource: { Table: { CatalogId: PRODUCER, DatabaseName: 'sales_db', Name: 'customers' } } },
      pages: [
        {
          LFTagOnDatabase: [{ CatalogId: PRODUCER, TagKey: 'domain', TagValues: ['sales'] }],
          LFTagsOnTable: [{ CatalogId: PRODUCER, TagKey: 'sensitivity', TagValues: ['pii'] }],
          LFTagsOnColumns: [{ Name: 'email', LFTags: [{ CatalogId: PRODUCER, TagKey: 'sensitivity', TagValues: ['pii'] }] }],
        },
      ],
    },
    {
      service: 'lakeformation',
      operation: 'GetResourceLFTags',
      account: PRODUCER,
      request: { Resource: { Table: { CatalogId: PRODUCER, DatabaseName: 'sales_db', Name: 'orders' } } },
      pages: [{ LFTagOnDatabase: [{ CatalogId: PRODUCER, TagKey: 'domain', TagValues: ['sales'] }], LFTagsOnTable: [] }],
    },
    {
      service: 'glue',
      operation: 'GetDatabases',
      account: PRODUCER,
      pages: [
        {
          DatabaseList: [
            { Name: 'sales_db', CatalogId: PRODUCER, LocationUri: 's3://sales-lake/sales_db/', CreateTime: 1780000000 },
          ],
        },
      ],
    },
    {
      service: 'glue',
      operation: 'GetTables',
      account: PRODUCER,
      request: { DatabaseName: 'sales_db' },
      pages: [
        {
          TableList: [
            {
              Name: 'orders',
              DatabaseName: 'sales_db',
              CatalogId: PRODUCER,
              TableType: 'EXTERNAL_TABLE',
              CreateTime: 1780000000,
              UpdateTime: 1792540800,
              PartitionKeys: [{ Name: 'dt', Type: 'string' }],
              StorageDescriptor: {
                Location: 's3://sales-lake/sales_db/orders/',
                Columns: [{ Name: 'order_id', Type: 'string' }],
              },
              Parameters: { classification: 'parquet', sizeInBytes: '1000' },
            },
          ],
        },
        {
          TableList: [
            {
              Name: 'customers',
              DatabaseName: 'sales_db',
              CatalogId: PRODUCER,
              TableType: 'EXTERNAL_TABLE',
              CreateTime: 1780000000,
              UpdateTime: 1792000000,
              PartitionKeys: [],
              StorageDescriptor: { Location: 's3://sales-lake/sales_db/customers/' },
            },
          ],
        },
      ],
    },
    {
      service: 'glue',
      operation: 'GetPartitions',
      account: PRODUCER,
      request: { DatabaseName: 'sales_db', TableName: 'orders' },
      pages: [
        { Partitions: [{ Values: ['2026-10-29'], DatabaseName: 'sales_db', TableName: 'orders', CreationTime: 1792800000 }] },
        { Partitions: [{ Values: ['2026-10-30'], DatabaseName: 'sales_db', TableName: 'orders', CreationTime: 1792886400 }] },
      ],
    },
    {
      service: 'athena',
      operation: 'ListWorkGroups',
      account: CONSUMER,
      pages: [{ WorkGroups: [{ Name: 'analysts', State: 'ENABLED' }] }],
    },
    {
      service: 'athena',
      operation: 'GetWorkGroup',
      account: CONSUMER,
      request: { WorkGroup: 'analysts' },
      pages: [
        {
          WorkGroup: {
            Name: 'analysts',
            State: 'ENABLED',
            Configuration: {
              BytesScannedCutoffPerQuery: 10737418240,
              EnforceWorkGroupConfiguration: true,
              ResultConfiguration: { OutputLocation: 's3://analytics-results/' },
              EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
            },
          },
        },
      ],
    },
    {
      service: 'athena',
      operation: 'ListQueryExecutions',
      account: CONSUMER,
      request: { WorkGroup: 'analysts' },
      pages: [{ QueryExecutionIds: QUERY_IDS.slice(0, 2) }, { QueryExecutionIds: QUERY_IDS.slice(2) }],
    },
    {
      service: 'athena',
      operation: 'BatchGetQueryExecution',
      account: CONSUMER,
      pages: [{ QueryExecutions: QUERY_IDS.map((id, index) => queryExecution(id, 50 - index)) }],
    },
    ...costEntries(),
  ];
}

export interface MiniOrg {
  readonly sampleDir: string;
  readonly lake: string;
  cleanup(): Promise<void>;
}

export async function writeMiniOrg(): Promise<MiniOrg> {
  const sampleDir = await writeApiFixture(miniOrgEntries());
  const lake = await makeTempDir('lake');
  return {
    sampleDir,
    lake,
    cleanup: async () => {
      await rm(sampleDir, { recursive: true, force: true });
      await rm(lake, { recursive: true, force: true });
    },
  };
}

export interface ConfigOptions {
  readonly lake: string;
  readonly endpoint?: string;
  readonly snapshots?: string;
  readonly maxAttempts?: number;
  readonly roleName?: string;
  readonly sources?: Record<string, unknown>;
  /** The `network` section (timeouts, page cap, deadlines). */
  readonly network?: Record<string, unknown>;
}

export function miniOrgConfig(options: ConfigOptions): LoadedConfig {
  const config = {
    lake: options.lake,
    now: NOW,
    regions: ['us-east-1'],
    organization: {
      id: 'o-abc123def4',
      accounts: [
        { id: MANAGEMENT, name: 'management', domain: 'platform', kind: 'management' },
        { id: GOVERNANCE, name: 'governance', domain: 'governance', kind: 'governance' },
        { id: PRODUCER, name: 'sales-prod', domain: 'sales', kind: 'producer' },
        { id: CONSUMER, name: 'analytics-prod', domain: 'analytics', kind: 'consumer' },
      ],
    },
    aws: options.snapshots
      ? { mode: 'file', snapshots: options.snapshots, max_attempts: options.maxAttempts ?? 3 }
      : {
          mode: 'live',
          endpoint: options.endpoint,
          max_attempts: options.maxAttempts ?? 3,
          roles: { collector: options.roleName ?? 'MeshwatchReadOnly' },
        },
    ...(options.network ? { network: options.network } : {}),
    sources: options.sources ?? {
      organizations: {},
      lakeformation: {},
      glue: {},
      athena: {},
      cost_explorer: { tag_key: 'domain' },
    },
  };
  return parseConfig(JSON.stringify(config), join(options.lake, 'meshwatch.config.yaml'));
}

export function testContext(config: LoadedConfig): RunContext & { readonly lines: string[] } {
  const logger = createMemoryLogger('normal');
  return Object.assign(createContext(config, logger), { lines: logger.lines });
}

const DUMMY_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIAFAKEDUMMYKEY0000', secretAccessKey: 'dummy' };

/** Live mode against the fake: fixed base credentials, every account reached through AssumeRole. */
export const fakeDependencies: ApiCollectorDependencies = {
  awsAccess: (config, overrides) => createAwsAccess(config, { ...overrides, baseCredentials: async () => DUMMY_CREDENTIALS }),
};

export interface MiniOrgOnFakeAws {
  readonly org: MiniOrg;
  readonly fake: FakeAws;
}

/**
 * For one test file: writes a fresh mini organisation and serves it with the fake AWS before its
 * tests, and stops both after them. Read `env.org` / `env.fake` inside the tests.
 */
export function useMiniOrgOnFakeAws(): MiniOrgOnFakeAws {
  const env = {} as { org: MiniOrg; fake: FakeAws };
  beforeAll(async () => {
    env.org = await writeMiniOrg();
    env.fake = await startFakeAws({ sampleDir: env.org.sampleDir });
  });
  afterAll(async () => {
    await env.fake?.close();
    await env.org?.cleanup();
  });
  return env;
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AthenaClient, BatchGetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { GetPartitionsCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  GetDataLakeSettingsCommand,
  GetResourceLFTagsCommand,
  LakeFormationClient,
  ListPermissionsCommand,
} from '@aws-sdk/client-lakeformation';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from './sample-files.js';
import { manifestEntries, pageBodies } from './sample-files.js';

/** A tiny JSON endpoint: answers each request with the next queued page of one recorded entry. */
class PageServer {
  private queue: unknown[] = [];
  readonly targets: string[] = [];
  private readonly server: Server = createServer((request, response) => {
    // JSON 1.1 services name the operation in x-amz-target; Lake Formation (REST-JSON) in the path.
    this.targets.push(String(request.headers['x-amz-target'] ?? request.url));
    request.resume();
    request.on('end', () => {
      const body = this.queue.shift() ?? {};
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  serve(pages: unknown[]): void {
    this.queue = [...pages];
    this.targets.length = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function entry(service: string, operation: string, account: string, match: (request: Json) => boolean = () => true) {
  const found = manifestEntries().find(
    (candidate) =>
      candidate.service === service &&
      candidate.operation === operation &&
      candidate.account === account &&
      match(candidate.request),
  );
  if (!found) throw new Error(`no manifest entry ${service} ${operation} ${account}`);
  return found;
}

describe('sample API snapshots through the real AWS SDK deserialisers', () => {
  const server = new PageServer();
  let endpoint: string;
  const config = () => ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSAMPLE', secretAccessKey: 'sample-secret' },
  });

  beforeAll(async () => {
    endpoint = await server.start();
  });
  afterAll(() => server.stop());

  it('indexes every page file and links pages with the paging token', () => {
    const entries = manifestEntries();
    expect(new Set(entries.map((candidate) => candidate.service))).toEqual(
      new Set(['organizations', 'lakeformation', 'glue', 'athena', 'cost-explorer']),
    );
    for (const candidate of entries) {
      const tokenKey = candidate.service === 'cost-explorer' ? 'NextPageToken' : 'NextToken';
      const bodies = pageBodies(candidate);
      for (const [index, body] of bodies.entries()) {
        expect(body[tokenKey] !== undefined, `${candidate.pages[index]}`).toBe(index < bodies.length - 1);
      }
    }
  });

  it('reads paged ListPermissions with Dates and every resource type', async () => {
    // Prepare
    const recorded = entry('lakeformation', 'ListPermissions', '311111111111');
    const expected = pageBodies(recorded).reduce((sum, body) => sum + body.PrincipalResourcePermissions.length, 0);
    server.serve(pageBodies(recorded));
    const client = new LakeFormationClient(config());
    // Act
    const rows = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListPermissionsCommand({ NextToken: token }));
      rows.push(...(page.PrincipalResourcePermissions ?? []));
      token = page.NextToken;
    } while (token);
    // Assess
    expect(recorded.pages.length).toBeGreaterThan(1);
    expect(rows).toHaveLength(expected);
    expect(server.targets[0]).toBe('/ListPermissions');
    for (const row of rows) expect(row.LastUpdated).toBeInstanceOf(Date);
    const kinds = new Set(
      manifestEntries()
        .filter((candidate) => candidate.operation === 'ListPermissions')
        .flatMap((candidate) =>
          pageBodies(candidate).flatMap((body) =>
            body.PrincipalResourcePermissions.map((row: Json) => Object.keys(row.Resource)[0]),
          ),
        ),
    );
    expect(kinds).toEqual(new Set(['Database', 'Table', 'TableWithColumns', 'DataLocation', 'LFTag', 'LFTagPolicy']));
    expect(rows.some((row) => row.Resource?.Table?.TableWildcard !== undefined)).toBe(true);
  });

  it('reads GetDataLakeSettings and GetResourceLFTags with column tags', async () => {
    server.serve(pageBodies(entry('lakeformation', 'GetDataLakeSettings', '333333333333')));
    const client = new LakeFormationClient(config());
    const settings = await client.send(new GetDataLakeSettingsCommand({}));
    expect(settings.DataLakeSettings?.CreateTableDefaultPermissions?.[0]?.Principal?.DataLakePrincipalIdentifier).toBe(
      'IAM_ALLOWED_PRINCIPALS',
    );
    server.serve(
      pageBodies(
        entry('lakeformation', 'GetResourceLFTags', '322222222222', (request) => request.Resource.Table.Name === 'leads'),
      ),
    );
    const tags = await client.send(
      new GetResourceLFTagsCommand({ Resource: { Table: { DatabaseName: 'marketing_db', Name: 'leads' } } }),
    );
    const email = tags.LFTagsOnColumns?.find((column) => column.Name === 'email');
    expect(email?.LFTags?.find((tag) => tag.TagKey === 'sensitivity')?.TagValues).toEqual(['pii']);
  });

  it('reads Glue tables and paged partitions with Dates', async () => {
    const client = new GlueClient(config());
    server.serve(pageBodies(entry('glue', 'GetTables', '322222222222')));
    const tables = await client.send(new GetTablesCommand({ DatabaseName: 'marketing_db' }));
    expect(tables.TableList?.map((table) => table.Name).sort()).toEqual(['campaigns', 'leads', 'web_sessions']);
    expect(tables.TableList?.[0]?.UpdateTime).toBeInstanceOf(Date);
    const recorded = entry('glue', 'GetPartitions', '322222222222', (request) => request.TableName === 'web_sessions');
    server.serve(pageBodies(recorded));
    const partitions = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetPartitionsCommand({ DatabaseName: 'marketing_db', TableName: 'web_sessions', NextToken: token }),
      );
      partitions.push(...(page.Partitions ?? []));
      token = page.NextToken;
    } while (token);
    expect(partitions.length).toBe(7 * 24 + 30 * 24);
    expect(partitions.every((partition) => partition.CreationTime instanceof Date)).toBe(true);
  });

  it('reads Athena executions with Dates and bytes scanned', async () => {
    const client = new AthenaClient(config());
    const listed = entry('athena', 'ListQueryExecutions', '411111111111', (request) => request.WorkGroup === 'analysts');
    server.serve(pageBodies(listed).slice(0, 1));
    const ids = await client.send(new ListQueryExecutionsCommand({ WorkGroup: 'analysts' }));
    expect(ids.QueryExecutionIds?.length).toBe(50);
    server.serve(pageBodies(entry('athena', 'BatchGetQueryExecution', '411111111111')));
    const batch = await client.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids.QueryExecutionIds }));
    const first = batch.QueryExecutions?.[0];
    expect(first?.Status?.SubmissionDateTime).toBeInstanceOf(Date);
    expect(typeof first?.Statistics?.DataScannedInBytes).toBe('number');
  });

  it('reads Cost Explorer pages with decimal-string amounts and estimated last days', async () => {
    const recorded = entry('cost-explorer', 'GetCostAndUsage', '200000000001', (request) => request.GroupBy[0].Type === 'TAG');
    server.serve(pageBodies(recorded));
    const client = new CostExplorerClient(config());
    const results = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: '2026-09-01', End: '2026-10-31' },
          Granularity: 'DAILY',
          Metrics: ['UnblendedCost'],
          NextPageToken: token,
        }),
      );
      results.push(...(page.ResultsByTime ?? []));
      token = page.NextPageToken;
    } while (token);
    expect(results).toHaveLength(60);
    expect(results.filter((result) => result.Estimated).map((result) => result.TimePeriod?.Start)).toEqual([
      '2026-10-29',
      '2026-10-30',
    ]);
    const keys = new Set(results.flatMap((result) => (result.Groups ?? []).map((group) => group.Keys?.[0])));
    expect(keys).toContain('domain$');
    expect(keys).toContain('domain$sales');
    expect(results[0]?.Groups?.[0]?.Metrics?.UnblendedCost?.Amount).toMatch(/^\d+(\.\d{1,10})?$/);
  });

  it('reads Organizations accounts with join Dates', async () => {
    const recorded = entry('organizations', 'ListAccounts', '200000000001');
    server.serve(pageBodies(recorded));
    const client = new OrganizationsClient(config());
    const accounts = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListAccountsCommand({ NextToken: token }));
      accounts.push(...(page.Accounts ?? []));
      token = page.NextToken;
    } while (token);
    expect(accounts.map((account) => account.Id)).toHaveLength(9);
    expect(accounts[0]?.JoinedTimestamp).toBeInstanceOf(Date);
  });
});

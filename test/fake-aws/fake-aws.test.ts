import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AthenaClient, BatchGetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import { LakeFormationClient, ListPermissionsCommand, paginateListPermissions } from '@aws-sdk/client-lakeformation';
import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, writeApiFixture } from './fixtures.js';
import { type FakeAws, fakeAwsClientConfig, startFakeAws } from './index.js';

const PRODUCER = '311111111111';
const CONSUMER = '411111111111';

describe('fake-aws', () => {
  let fake: FakeAws;
  let bucketDir: string;

  beforeAll(async () => {
    const sampleDir = await writeApiFixture([
      {
        service: 'lakeformation',
        operation: 'ListPermissions',
        account: PRODUCER,
        pages: [
          { PrincipalResourcePermissions: [{ Principal: { DataLakePrincipalIdentifier: 'p1' }, Permissions: ['SELECT'] }] },
          { PrincipalResourcePermissions: [{ Principal: { DataLakePrincipalIdentifier: 'p2' }, Permissions: ['ALL'] }] },
        ],
      },
      {
        service: 'glue',
        operation: 'GetTables',
        account: PRODUCER,
        region: 'eu-west-1',
        request: { DatabaseName: 'sales_db' },
        pages: [{ TableList: [{ Name: 'orders', DatabaseName: 'sales_db', UpdateTime: 1790000000 }] }],
      },
      {
        service: 'athena',
        operation: 'BatchGetQueryExecution',
        account: CONSUMER,
        pages: [{ QueryExecutions: [{ QueryExecutionId: 'q1' }, { QueryExecutionId: 'q2' }] }],
      },
      {
        service: 'cost-explorer',
        operation: 'GetCostAndUsage',
        account: '200000000001',
        request: { Granularity: 'DAILY', Metrics: ['UnblendedCost', 'AmortizedCost'] },
        pages: [
          { ResultsByTime: [{ TimePeriod: { Start: '2026-10-01', End: '2026-10-02' }, Groups: [], Estimated: false }] },
          { ResultsByTime: [{ TimePeriod: { Start: '2026-10-02', End: '2026-10-03' }, Groups: [], Estimated: true }] },
        ],
      },
      { service: 'organizations', operation: 'ListAccounts', account: '200000000001', pages: [{ Accounts: [] }] },
    ]);
    bucketDir = await makeTempDir('bucket');
    await mkdir(join(bucketDir, 'AWSLogs', 'a'), { recursive: true });
    await mkdir(join(bucketDir, 'AWSLogs', 'b'), { recursive: true });
    await writeFile(join(bucketDir, 'AWSLogs', 'a', '1.json'), '{"Records":[]}');
    await writeFile(join(bucketDir, 'AWSLogs', 'a', '2.json'), '{"Records":[1]}');
    await writeFile(join(bucketDir, 'AWSLogs', 'b', '3.json'), 'three');
    await writeFile(
      join(bucketDir, 'AWSLogs', 'b', '3.json.s3meta.json'),
      JSON.stringify({ Metadata: { 'digest-signature': 'abc' }, ContentType: 'application/json' }),
    );
    fake = await startFakeAws({ sampleDir, buckets: { 'org-trail': bucketDir } });
  });

  afterAll(async () => {
    await fake.close();
    await rm(bucketDir, { recursive: true, force: true });
  });

  beforeEach(() => fake.reset());

  it('serves Lake Formation REST-JSON across NextToken pages, for the account in the credentials', async () => {
    // Prepare
    const client = new LakeFormationClient(fakeAwsClientConfig(fake, 'us-east-1', PRODUCER));
    // Act
    const principals: string[] = [];
    for await (const page of paginateListPermissions({ client }, {})) {
      for (const grant of page.PrincipalResourcePermissions ?? [])
        principals.push(grant.Principal?.DataLakePrincipalIdentifier ?? '');
    }
    // Assess
    expect(principals).toEqual(['p1', 'p2']);
    expect(fake.requestsFor('ListPermissions', PRODUCER)).toHaveLength(2);
    expect(fake.requests[0]).toMatchObject({ service: 'lakeformation', protocol: 'rest-json', region: 'us-east-1' });
  });

  it('selects entries by request parameters and region, and deserialises timestamps through the SDK', async () => {
    const client = new GlueClient(fakeAwsClientConfig(fake, 'eu-west-1', PRODUCER));
    const found = await client.send(new GetTablesCommand({ DatabaseName: 'sales_db' }));
    const other = await client.send(new GetTablesCommand({ DatabaseName: 'nope' }));
    expect(found.TableList?.[0]?.UpdateTime).toEqual(new Date(1790000000 * 1000));
    expect(other.TableList ?? []).toEqual([]);
    expect(fake.requests.map((request) => request.params)).toEqual([{ DatabaseName: 'sales_db' }, { DatabaseName: 'nope' }]);
  });

  it('answers a batch of query ids and reports the unknown ones as unprocessed', async () => {
    const client = new AthenaClient(fakeAwsClientConfig(fake, 'us-east-1', CONSUMER));
    const answer = await client.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ['q2', 'missing'] }));
    expect(answer.QueryExecutions?.map((execution) => execution.QueryExecutionId)).toEqual(['q2']);
    expect(answer.UnprocessedQueryExecutionIds?.map((item) => item.QueryExecutionId)).toEqual(['missing']);
  });

  it('narrows Cost Explorer results to the requested period and pages by NextPageToken', async () => {
    const client = new CostExplorerClient(fakeAwsClientConfig(fake));
    const input = { Granularity: 'DAILY' as const, Metrics: ['AmortizedCost', 'UnblendedCost'] };
    const whole = await client.send(
      new GetCostAndUsageCommand({ ...input, TimePeriod: { Start: '2026-10-01', End: '2026-10-03' } }),
    );
    const narrow = await client.send(
      new GetCostAndUsageCommand({ ...input, TimePeriod: { Start: '2026-10-02', End: '2026-10-03' } }),
    );
    expect(whole.NextPageToken).toBeTruthy();
    expect(whole.ResultsByTime?.map((result) => result.TimePeriod?.Start)).toEqual(['2026-10-01']);
    expect(narrow.NextPageToken).toBeUndefined();
    expect(narrow.ResultsByTime?.map((result) => result.Estimated)).toEqual([true]);
  });

  it('issues AssumeRole credentials that name the target account', async () => {
    const sts = new STSClient(fakeAwsClientConfig(fake));
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${CONSUMER}:role/MeshwatchReadOnly`, RoleSessionName: 'meshwatch' }),
    );
    const athena = new AthenaClient({
      ...fakeAwsClientConfig(fake),
      credentials: {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken ?? '',
      },
    });
    await athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ['q1'] }));
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${CONSUMER}:assumed-role/MeshwatchReadOnly/meshwatch`);
    expect(fake.requestsFor('AssumeRole')[0]?.params.RoleArn).toBe(`arn:aws:iam::${CONSUMER}:role/MeshwatchReadOnly`);
    expect(fake.requestsFor('BatchGetQueryExecution')[0]?.account).toBe(CONSUMER);
  });

  it('records CloudWatch metric data and SNS messages exactly as sent', async () => {
    const timestamp = new Date('2026-10-30T12:00:00Z');
    await new CloudWatchClient(fakeAwsClientConfig(fake, 'eu-west-1')).send(
      new PutMetricDataCommand({
        Namespace: 'Meshwatch',
        MetricData: [
          {
            MetricName: 'AlertsFired',
            Value: 3,
            Unit: 'Count',
            Timestamp: timestamp,
            Dimensions: [{ Name: 'Rule', Value: 'pii' }],
          },
        ],
      }),
    );
    await new SNSClient(fakeAwsClientConfig(fake)).send(
      new PublishCommand({
        TopicArn: 'arn:aws:sns:us-east-1:200000000001:alerts',
        Subject: 'breach',
        Message: 'sales.orders breached',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    expect(fake.metricData).toEqual([
      expect.objectContaining({
        namespace: 'Meshwatch',
        metricName: 'AlertsFired',
        value: 3,
        unit: 'Count',
        timestamp,
        region: 'eu-west-1',
        dimensions: { Rule: 'pii' },
      }),
    ]);
    expect(fake.snsMessages).toEqual([
      expect.objectContaining({
        topicArn: 'arn:aws:sns:us-east-1:200000000001:alerts',
        subject: 'breach',
        message: 'sales.orders breached',
        messageAttributes: { severity: { dataType: 'String', value: 'high' } },
      }),
    ]);
  });

  it('reads a large, gzip-compressed PutMetricData body', async () => {
    const metricData = Array.from({ length: 300 }, (_, index) => ({
      MetricName: `Metric${index}`,
      Value: index,
      Dimensions: [{ Name: 'Rule', Value: `rule-with-a-long-name-${index}` }],
    }));
    await new CloudWatchClient(fakeAwsClientConfig(fake)).send(
      new PutMetricDataCommand({ Namespace: 'Meshwatch', MetricData: metricData }),
    );
    expect(fake.requestsFor('PutMetricData')[0]?.status).toBe(200);
    expect(fake.metricData.map((datum) => datum.value)).toEqual(metricData.map((datum) => datum.Value));
  });

  it('also accepts PutMetricData in the older query protocol', async () => {
    const form = new URLSearchParams({
      Action: 'PutMetricData',
      Version: '2010-08-01',
      Namespace: 'Meshwatch',
      'MetricData.member.1.MetricName': 'Breaches',
      'MetricData.member.1.Value': '2',
      'MetricData.member.1.Timestamp': '2026-10-30T12:00:00Z',
      'MetricData.member.1.Dimensions.member.1.Name': 'Product',
      'MetricData.member.1.Dimensions.member.1.Value': 'sales.orders',
    });
    const response = await fetch(fake.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAFAKEDUMMYKEY0000/20261030/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: form.toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<PutMetricDataResponse');
    expect(fake.metricData).toEqual([
      expect.objectContaining({
        metricName: 'Breaches',
        value: 2,
        timestamp: new Date('2026-10-30T12:00:00Z'),
        dimensions: { Product: 'sales.orders' },
      }),
    ]);
  });

  it('lists a folder as a bucket with delimiter, max-keys and continuation tokens, hiding sidecars', async () => {
    const client = new S3Client(fakeAwsClientConfig(fake));
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client, pageSize: 1 }, { Bucket: 'org-trail', Prefix: 'AWSLogs/' })) {
      keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    }
    const folders = await client.send(new ListObjectsV2Command({ Bucket: 'org-trail', Prefix: 'AWSLogs/', Delimiter: '/' }));
    expect(keys).toEqual(['AWSLogs/a/1.json', 'AWSLogs/a/2.json', 'AWSLogs/b/3.json']);
    expect(folders.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['AWSLogs/a/', 'AWSLogs/b/']);
    expect(fake.requestsFor('ListObjectsV2')).toHaveLength(4);
  });

  it('streams an object with its ETag, length and sidecar metadata', async () => {
    const client = new S3Client(fakeAwsClientConfig(fake));
    const object = await client.send(new GetObjectCommand({ Bucket: 'org-trail', Key: 'AWSLogs/b/3.json' }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'org-trail', Prefix: 'AWSLogs/b/' }));
    expect(await object.Body?.transformToString()).toBe('three');
    expect(object.ContentLength).toBe(5);
    expect(object.Metadata).toEqual({ 'digest-signature': 'abc' });
    expect(object.ContentType).toBe('application/json');
    expect(object.ETag).toBe(listed.Contents?.[0]?.ETag);
    await expect(client.send(new GetObjectCommand({ Bucket: 'org-trail', Key: 'nope' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('throttles and fails on demand, and the SDK retries through it', async () => {
    const client = new LakeFormationClient({ ...fakeAwsClientConfig(fake, 'us-east-1', PRODUCER), maxAttempts: 3 });
    fake.inject({ operation: 'ListPermissions', kind: 'throttle', count: 1 });
    fake.inject({ operation: 'ListPermissions', kind: 'server-error', count: 1 });
    const page = await client.send(new ListPermissionsCommand({}));
    expect(page.PrincipalResourcePermissions).toHaveLength(1);
    expect(fake.requestsFor('ListPermissions').map((request) => [request.status, request.fault])).toEqual([
      [400, 'throttle'],
      [500, 'server-error'],
      [200, undefined],
    ]);
  });

  it('answers an operation from a responder function, with the request it was given', async () => {
    fake.respond({
      operation: 'LookupEvents',
      account: PRODUCER,
      answer: (params) => ({
        Events: [{ EventId: 'e1', EventName: 'CreateTable', EventTime: 1792000000, CloudTrailEvent: '{}' }],
        ...(params.NextToken ? {} : { NextToken: 'page-2' }),
      }),
    });
    const client = new CloudTrailClient(fakeAwsClientConfig(fake, 'eu-west-1', PRODUCER));
    const first = await client.send(new LookupEventsCommand({ MaxResults: 50 }));
    const second = await client.send(new LookupEventsCommand({ MaxResults: 50, NextToken: first.NextToken }));
    expect(first.Events?.[0]?.EventTime).toEqual(new Date(1792000000 * 1000));
    expect([first.NextToken, second.NextToken]).toEqual(['page-2', undefined]);
    expect(fake.requestsFor('LookupEvents').map((request) => request.params)).toEqual([
      { MaxResults: 50 },
      { MaxResults: 50, NextToken: 'page-2' },
    ]);
  });

  it('denies an account without retries and delays slow answers', async () => {
    fake.inject({ kind: 'access-denied', account: CONSUMER, count: Number.POSITIVE_INFINITY });
    fake.inject({ operation: 'GetTables', kind: 'slow', delayMs: 150 });
    const athena = new AthenaClient(fakeAwsClientConfig(fake, 'us-east-1', CONSUMER));
    const glue = new GlueClient(fakeAwsClientConfig(fake, 'eu-west-1', PRODUCER));
    await expect(athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ['q1'] }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    const started = Date.now();
    await glue.send(new GetTablesCommand({ DatabaseName: 'sales_db' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.requestsFor('BatchGetQueryExecution')).toHaveLength(1);
  });
});

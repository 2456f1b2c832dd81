/** The fake's network faults at the wire level: what a client sees when each is injected. */
import { GetDatabasesCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeApiFixture } from './fixtures.js';
import { type FakeAws, fakeAwsClientConfig, REPEATED_TOKEN, startFakeAws } from './index.js';

const PRODUCER = '311111111111';

describe('fake-aws network faults', () => {
  let fake: FakeAws;

  beforeAll(async () => {
    const sampleDir = await writeApiFixture([
      {
        service: 'glue',
        operation: 'GetTables',
        account: PRODUCER,
        pages: [{ TableList: [{ Name: 'orders' }] }, { TableList: [{ Name: 'customers' }] }],
      },
      { service: 'glue', operation: 'GetDatabases', account: PRODUCER, pages: [{ DatabaseList: [{ Name: 'sales_db' }] }] },
    ]);
    fake = await startFakeAws({ sampleDir, buckets: { 'org-trail': sampleDir } });
  });

  afterAll(async () => fake.close());
  beforeEach(() => fake.reset());

  /** A client that gives up after 200 ms of silence, one attempt. */
  const glue = () =>
    new GlueClient({
      ...fakeAwsClientConfig(fake, 'us-east-1', PRODUCER),
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true, socketTimeout: 200 }),
    });

  it('no-answer reads the request and never responds', { timeout: 5_000 }, async () => {
    fake.inject({ operation: 'GetDatabases', kind: 'no-answer' });
    await expect(glue().send(new GetDatabasesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(fake.requestsFor('GetDatabases')).toMatchObject([{ fault: 'no-answer', status: 0 }]);
    // The fault is spent: the next request is answered.
    expect((await glue().send(new GetDatabasesCommand({}))).DatabaseList).toEqual([{ Name: 'sales_db' }]);
  });

  it('repeat-token answers the first page with the same token, whatever token was sent', async () => {
    fake.inject({ operation: 'GetTables', kind: 'repeat-token', count: 2 });
    const first = await glue().send(new GetTablesCommand({ DatabaseName: 'sales_db' }));
    const again = await glue().send(new GetTablesCommand({ DatabaseName: 'sales_db', NextToken: first.NextToken }));
    expect([first.NextToken, again.NextToken]).toEqual([REPEATED_TOKEN, REPEATED_TOKEN]);
    expect(again.TableList?.map((table) => table.Name)).toEqual(['orders']);
  });

  it('repeat-token on S3 ListObjectsV2 answers truncated with the same continuation token', async () => {
    fake.inject({ operation: 'ListObjectsV2', kind: 'repeat-token' });
    const s3 = new S3Client({ ...fakeAwsClientConfig(fake), maxAttempts: 1 });
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'org-trail', Prefix: 'api/', ContinuationToken: 'abc' }));
    expect(page.IsTruncated).toBe(true);
    expect(page.NextContinuationToken).toBe(REPEATED_TOKEN);
    expect(page.Contents?.length).toBeGreaterThan(0);
  });

  it('truncated-body sends half the announced body and then nothing', { timeout: 5_000 }, async () => {
    fake.inject({ operation: 'GetDatabases', kind: 'truncated-body' });
    await expect(glue().send(new GetDatabasesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(fake.requestsFor('GetDatabases')).toMatchObject([{ fault: 'truncated-body', status: 200 }]);
  });
});

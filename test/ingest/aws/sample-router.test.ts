import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSampleApiStore, type SampleApiStore } from '../../../ingest/aws/sample-api/manifest.js';
import { answerSampleRequest, deepEqual } from '../../../ingest/aws/sample-api/router.js';
import { decodeWireRequest, parseQueryParams } from '../../../ingest/aws/sample-api/wire.js';
import { writeApiFixture } from '../../fake-aws/fixtures.js';

describe('sample API router', () => {
  let sampleDir: string;
  let store: SampleApiStore;

  beforeAll(async () => {
    sampleDir = await writeApiFixture([
      {
        service: 'glue',
        operation: 'GetTables',
        account: '311111111111',
        request: {},
        pages: [{ TableList: [{ Name: 'any' }] }],
      },
      {
        service: 'glue',
        operation: 'GetTables',
        account: '311111111111',
        request: { DatabaseName: 'sales_db' },
        pages: [{ TableList: [{ Name: 'a' }] }, { TableList: [{ Name: 'b' }] }, { TableList: [{ Name: 'c' }] }],
      },
    ]);
    store = await openSampleApiStore(sampleDir);
  });

  afterAll(async () => {
    await rm(sampleDir, { recursive: true, force: true });
  });

  const ask = (params: Record<string, unknown>, account = '311111111111') =>
    answerSampleRequest(store, { service: 'glue', operation: 'GetTables', account, region: 'us-east-1', params });

  it('prefers the most specific matching entry and walks its pages by token', async () => {
    const first = await ask({ DatabaseName: 'sales_db' });
    const second = first.kind === 'ok' ? await ask({ DatabaseName: 'sales_db', NextToken: first.body.NextToken }) : first;
    const third = second.kind === 'ok' ? await ask({ DatabaseName: 'sales_db', NextToken: second.body.NextToken }) : second;
    expect([first, second, third].map((answer) => (answer.kind === 'ok' ? answer.body : answer))).toEqual([
      { TableList: [{ Name: 'a' }], NextToken: 'GetTables.2.page-2' },
      { TableList: [{ Name: 'b' }], NextToken: 'GetTables.2.page-3' },
      { TableList: [{ Name: 'c' }] },
    ]);
  });

  it('answers an empty body for requests nothing recorded, and an error for an unknown token', async () => {
    expect(await ask({}, '999999999999')).toEqual({ kind: 'ok', body: {}, matched: false });
    expect(await ask({ DatabaseName: 'sales_db', NextToken: 'bogus' })).toMatchObject({
      kind: 'error',
      code: 'InvalidInputException',
    });
  });

  it('answers a typed ListPermissions from an untyped recording with that type only', async () => {
    const dir = await writeApiFixture([
      {
        service: 'lakeformation',
        operation: 'ListPermissions',
        account: '311111111111',
        pages: [
          {
            PrincipalResourcePermissions: [
              { Resource: { Table: { DatabaseName: 'd', Name: 't' } } },
              { Resource: { LFTag: { TagKey: 'k', TagValues: ['v'] } } },
              { Resource: { LFTagPolicy: { ResourceType: 'TABLE', Expression: [] } } },
            ],
          },
        ],
      },
    ]);
    const lf = await openSampleApiStore(dir);
    const typed = (ResourceType: string) =>
      answerSampleRequest(lf, {
        service: 'lakeformation',
        operation: 'ListPermissions',
        account: '311111111111',
        region: 'us-east-1',
        params: { ResourceType },
      });
    const keysOf = async (type: string) => {
      const answer = await typed(type);
      return answer.kind === 'ok'
        ? (answer.body.PrincipalResourcePermissions as { Resource: object }[]).map((grant) => Object.keys(grant.Resource)[0])
        : [];
    };
    expect(await keysOf('LF_TAG')).toEqual(['LFTag']);
    expect(await keysOf('LF_TAG_POLICY_TABLE')).toEqual(['LFTagPolicy']);
    expect(await keysOf('LF_TAG_POLICY_DATABASE')).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('compares lists of plain values as sets and everything else exactly', () => {
    expect(deepEqual(['UnblendedCost', 'AmortizedCost'], ['AmortizedCost', 'UnblendedCost'])).toBe(true);
    expect(deepEqual([{ Key: 'A' }, { Key: 'B' }], [{ Key: 'B' }, { Key: 'A' }])).toBe(false);
    expect(deepEqual({ a: { b: 1 } }, { a: { b: 1, c: 2 } })).toBe(false);
  });
});

describe('sample API wire decoding', () => {
  const auth = (key: string, region: string, service: string) =>
    `AWS4-HMAC-SHA256 Credential=${key}/20261031/${region}/${service}/aws4_request, SignedHeaders=host, Signature=x`;

  it('reads service, region and account from the SigV4 scope and operation by protocol', () => {
    const json = decodeWireRequest(
      {
        method: 'POST',
        path: '/',
        query: {},
        headers: {
          authorization: auth('ASIAFAKE411111111111', 'eu-west-1', 'athena'),
          'x-amz-target': 'AmazonAthena.ListWorkGroups',
          'content-type': 'application/x-amz-json-1.1',
        },
        body: '{}',
      },
      '200000000001',
    );
    const restJson = decodeWireRequest(
      {
        method: 'POST',
        path: '/ListPermissions',
        query: {},
        headers: { authorization: auth('AKIAOTHER', 'us-east-1', 'lakeformation'), 'content-type': 'application/json' },
        body: '{"MaxResults":5}',
      },
      '200000000001',
    );
    expect(json).toMatchObject({
      protocol: 'json',
      service: 'athena',
      operation: 'ListWorkGroups',
      account: '411111111111',
      region: 'eu-west-1',
    });
    expect(restJson).toMatchObject({
      protocol: 'rest-json',
      service: 'lakeformation',
      operation: 'ListPermissions',
      account: '200000000001',
      params: { MaxResults: 5 },
    });
  });

  it('turns query-protocol member lists into arrays', () => {
    const params = parseQueryParams(
      new URLSearchParams(
        'Action=PutMetricData&Namespace=N&MetricData.member.1.MetricName=a&MetricData.member.1.Dimensions.member.1.Name=Rule&MetricData.member.2.MetricName=b',
      ),
    );
    expect(params).toEqual({
      Action: 'PutMetricData',
      Namespace: 'N',
      MetricData: [{ MetricName: 'a', Dimensions: [{ Name: 'Rule' }] }, { MetricName: 'b' }],
    });
  });
});

/**
 * The fake AWS service: node:http on 127.0.0.1 (port 0) speaking the wire protocols the SDK v3
 * clients send — JSON 1.1 / 1.0 (x-amz-target), REST-JSON (Lake Formation), the query protocol
 * (STS, SNS, CloudWatch) and REST-XML (S3) — answering from the sample organisation's recorded
 * responses, with faults injected on demand and every request recorded.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { openSampleApiStore, type SampleApiStore } from '../../ingest/aws/sample-api/manifest.js';
import { answerSampleRequest } from '../../ingest/aws/sample-api/router.js';
import {
  type DecodedRequest,
  decodeWireRequest,
  encodeJsonAnswer,
  encodeJsonError,
  throttlingCodeFor,
} from '../../ingest/aws/sample-api/wire.js';
import { FaultBook } from './faults.js';
import { cloudWatchQueryReply, recordMetricData, snsReply, stsReply } from './query-services.js';
import {
  decodeAwsChunked,
  deleteObject,
  deleteObjectsXml,
  listObjectsV2Xml,
  type MemoryObjects,
  objectHeaders,
  objectInfo,
  objectStream,
  putObject,
  type WriteAnswer,
} from './s3-bucket.js';
import type {
  FakeAws,
  FakeAwsOptions,
  FakeResponder,
  Fault,
  RecordedMetricDatum,
  RecordedRequest,
  RecordedSnsMessage,
} from './types.js';
import { queryErrorXml, s3ErrorXml } from './xml.js';

export const REPO_SAMPLE_DIR = fileURLToPath(new URL('../../sample-logs', import.meta.url));

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | NodeJS.ReadableStream;
}

interface ServerState {
  readonly store: SampleApiStore | undefined;
  readonly buckets: Record<string, string>;
  readonly objects: Record<string, MemoryObjects>;
  readonly defaultAccount: string;
  readonly faults: FaultBook;
  readonly responders: FakeResponder[];
  readonly requests: RecordedRequest[];
  readonly metricData: RecordedMetricDatum[];
  readonly snsMessages: RecordedSnsMessage[];
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const sampleDir = options.sampleDir ?? REPO_SAMPLE_DIR;
  const store = await openStoreIfPresent(sampleDir);
  const defaultBucket = join(sampleDir, 'cloudtrail');
  const state: ServerState = {
    store,
    buckets: options.buckets ?? (existsSync(defaultBucket) ? { 'org-trail': defaultBucket } : {}),
    objects: options.objects ?? {},
    defaultAccount: options.defaultAccount ?? managementAccountOf(store) ?? '000000000000',
    faults: new FaultBook(),
    responders: [],
    requests: [],
    metricData: [],
    snsMessages: [],
  };
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String((error as Error).stack ?? error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: state.requests,
    metricData: state.metricData,
    snsMessages: state.snsMessages,
    inject: (fault: Fault) => state.faults.add(fault),
    respond: (responder: FakeResponder) => {
      state.responders.unshift(responder);
    },
    reset() {
      state.requests.length = 0;
      state.metricData.length = 0;
      state.snsMessages.length = 0;
      state.faults.clear();
      state.responders.length = 0;
    },
    requestsFor: (operation, account) =>
      state.requests.filter((request) => request.operation === operation && (!account || request.account === account)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function openStoreIfPresent(sampleDir: string): Promise<SampleApiStore | undefined> {
  const hasManifest = existsSync(join(sampleDir, 'manifest.json')) || existsSync(join(sampleDir, 'api', 'manifest.json'));
  return hasManifest ? openSampleApiStore(sampleDir) : undefined;
}

function managementAccountOf(store: SampleApiStore | undefined): string | undefined {
  return store?.entries.find((entry) => entry.service === 'organizations')?.account;
}

/** The request body; CloudWatch PutMetricData bodies over 10 KB arrive gzip-compressed. */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

async function handle(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://fake');
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]),
  );
  const rawBody = await readBody(request);
  const wire = {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: rawBody.toString('utf8'),
  };
  const decoded = decodeWireRequest(wire, state.defaultAccount);
  if (!decoded) {
    send(response, { status: 403, headers: { 'content-type': 'text/plain' }, body: 'MissingAuthenticationToken' });
    return;
  }
  const s3 = decoded.protocol === 'rest-xml' ? s3Target(wire.method, url, request.url ?? '/') : undefined;
  const operation = s3?.operation ?? decoded.operation;
  const params = s3 ? { ...decoded.params, Bucket: s3.bucket, ...(s3.key ? { Key: s3.key } : {}) } : decoded.params;
  const recorded: RecordedRequest = {
    at: new Date(),
    service: decoded.service,
    operation,
    account: decoded.account,
    region: decoded.region,
    params,
    accessKeyId: decoded.accessKeyId,
    protocol: decoded.protocol,
    status: 0,
  };
  state.requests.push(recorded);
  const fault = state.faults.take(operation, decoded.account);
  if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
  if (fault) recorded.fault = fault.kind;
  // The request was read; no status, no header, no byte follows (close() cuts the connection).
  if (fault?.kind === 'no-answer') return;
  if (fault?.kind === 'repeat-token') {
    const firstPage = withoutPagingToken(params);
    const reply = await serve(state, { ...decoded, operation, params: firstPage }, s3, { headers, rawBody }, recorded);
    recorded.status = reply.status;
    send(response, withRepeatedToken(reply, decoded.service));
    return;
  }
  if (fault?.kind === 'truncated-body') {
    const reply = await serve(state, { ...decoded, operation, params }, s3, { headers, rawBody }, recorded);
    recorded.status = reply.status;
    await sendTruncated(response, reply);
    return;
  }
  const reply =
    fault && fault.kind !== 'slow'
      ? faultReply(decoded, fault)
      : await serve(state, { ...decoded, operation, params }, s3, { headers, rawBody }, recorded);
  recorded.status = reply.status;
  send(response, reply);
}

/** The token an endless listing answers with (repeat-token). */
export const REPEATED_TOKEN = 'fake-aws-repeated-token';

const PAGING_PARAMS = ['NextToken', 'NextPageToken', 'continuation-token'];

function withoutPagingToken(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !PAGING_PARAMS.includes(name)));
}

/** The reply with its paging token replaced by REPEATED_TOKEN: JSON NextToken/NextPageToken, S3 NextContinuationToken. */
function withRepeatedToken(reply: Reply, service: string): Reply {
  if (typeof reply.body !== 'string' || reply.status !== 200) return reply;
  if (service === 's3') {
    const body = reply.body
      .replace(/<IsTruncated>false<\/IsTruncated>/, '<IsTruncated>true</IsTruncated>')
      .replace(/<NextContinuationToken>[^<]*<\/NextContinuationToken>/, '')
      .replace('</ListBucketResult>', `<NextContinuationToken>${REPEATED_TOKEN}</NextContinuationToken></ListBucketResult>`);
    return { ...reply, body };
  }
  const tokenKey = service === 'cost-explorer' ? 'NextPageToken' : 'NextToken';
  return { ...reply, body: JSON.stringify({ ...JSON.parse(reply.body), [tokenKey]: REPEATED_TOKEN }) };
}

/**
 * Announces the whole body and sends its first half — then nothing more: the connection stays
 * open (close() cuts it), as when a proxy or the network stalls mid-response.
 */
async function sendTruncated(response: ServerResponse, reply: Reply): Promise<void> {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : await bufferOf(reply.body);
  response.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  response.write(body.subarray(0, Math.floor(body.length / 2)));
}

async function bufferOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, reply.headers);
  if (typeof reply.body === 'string') response.end(reply.body);
  else reply.body.pipe(response);
}

function faultReply(decoded: DecodedRequest, fault: Fault): Reply {
  const requestId = randomUUID();
  const denied = fault.kind === 'access-denied';
  const throttled = fault.kind === 'throttle';
  if (decoded.protocol === 'rest-xml') {
    const [status, code] = denied ? [403, 'AccessDenied'] : throttled ? [503, 'SlowDown'] : [500, 'InternalError'];
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body: s3ErrorXml(code, `injected ${fault.kind}`, requestId),
    };
  }
  if (decoded.protocol === 'query') {
    const [status, code, type] = denied
      ? [403, 'AccessDenied', 'Sender']
      : throttled
        ? [400, 'Throttling', 'Sender']
        : [500, 'InternalFailure', 'Receiver'];
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: queryErrorXml(code, `injected ${fault.kind}`, requestId, type),
    };
  }
  const [status, code] = denied
    ? [400, 'AccessDeniedException']
    : throttled
      ? [400, throttlingCodeFor(decoded.service, decoded.protocol)]
      : [500, 'InternalFailure'];
  return encodeJsonError(decoded, status, code, `injected ${fault.kind}`, requestId);
}

interface S3Target {
  readonly operation: string;
  readonly bucket: string;
  readonly key?: string;
}

const OBJECT_OPERATIONS: Record<string, string> = { HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' };

/** `rawUrl` as sent: `new URL` would resolve the `..` segments real S3 keeps as part of a key. */
function s3Target(method: string, url: URL, rawUrl: string): S3Target {
  const rawPath = rawUrl.split('?')[0] ?? '/';
  const [bucket = '', ...keyParts] = rawPath.replace(/^\//, '').split('/');
  const key = keyParts.map(decodeURIComponent).join('/');
  if (!key) {
    if (method === 'POST' && url.searchParams.has('delete')) return { operation: 'DeleteObjects', bucket };
    return { operation: url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', bucket };
  }
  return { operation: OBJECT_OPERATIONS[method] ?? 'GetObject', bucket: decodeURIComponent(bucket), key };
}

async function serve(
  state: ServerState,
  decoded: DecodedRequest,
  s3: S3Target | undefined,
  request: S3Request,
  recorded: RecordedRequest,
): Promise<Reply> {
  const caller = { account: decoded.account, region: decoded.region };
  if (s3) return serveS3(state, s3, decoded.params as Record<string, string>, request);
  if (decoded.service === 'sts') return stsReply(decoded.operation, decoded.params, caller);
  if (decoded.service === 'sns') return snsReply(decoded.operation, decoded.params, caller, state.snsMessages);
  if (decoded.service === 'cloudwatch') {
    if (decoded.operation === 'PutMetricData') recordMetricData(decoded.params, caller, state.metricData);
    if (decoded.protocol === 'query') return cloudWatchQueryReply(decoded.operation);
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' };
  }
  const requestId = randomUUID();
  const responder = state.responders.find(
    (candidate) =>
      candidate.operation === decoded.operation &&
      (candidate.service === undefined || candidate.service === decoded.service) &&
      (candidate.account === undefined || candidate.account === decoded.account),
  );
  if (responder) {
    return encodeJsonAnswer(decoded, { kind: 'ok', body: responder.answer(decoded.params, recorded), matched: true }, requestId);
  }
  if (!state.store) return encodeJsonAnswer(decoded, { kind: 'ok', body: {}, matched: false }, requestId);
  return encodeJsonAnswer(decoded, await answerSampleRequest(state.store, decoded), requestId);
}

interface S3Request {
  readonly headers: Record<string, string | undefined>;
  readonly rawBody: Buffer;
}

async function serveS3(state: ServerState, target: S3Target, query: Record<string, string>, request: S3Request): Promise<Reply> {
  const requestId = randomUUID();
  const root = state.buckets[target.bucket] ?? (state.objects[target.bucket] ? '/nonexistent-fake-bucket-folder' : undefined);
  const memory = state.objects[target.bucket] ?? {};
  const xml = { 'content-type': 'application/xml', 'x-amz-request-id': requestId };
  if (!root) {
    return {
      status: 404,
      headers: xml,
      body: s3ErrorXml('NoSuchBucket', 'The specified bucket does not exist', requestId, { BucketName: target.bucket }),
    };
  }
  if (target.operation === 'ListObjectsV2' || target.operation === 'ListObjects') {
    const body = await listObjectsV2Xml(
      target.bucket,
      root,
      {
        ...(query.prefix !== undefined ? { prefix: query.prefix } : {}),
        ...(query.delimiter ? { delimiter: query.delimiter } : {}),
        ...(query['continuation-token'] ? { continuationToken: query['continuation-token'] } : {}),
        ...(query['start-after'] ? { startAfter: query['start-after'] } : {}),
        ...(query['max-keys'] ? { maxKeys: Number(query['max-keys']) } : {}),
        encodeKeys: query['encoding-type'] === 'url',
      },
      memory,
    );
    return { status: 200, headers: xml, body };
  }
  if (target.operation === 'DeleteObjects') {
    return { status: 200, headers: xml, body: await deleteObjectsXml(root, request.rawBody.toString('utf8')) };
  }
  if (target.operation === 'PutObject' || target.operation === 'DeleteObject') {
    return writeReply(await writeS3(root, target, request), requestId, target.key as string);
  }
  const info = await objectInfo(root, target.key as string, memory);
  if (!info) {
    return {
      status: 404,
      headers: xml,
      body: s3ErrorXml('NoSuchKey', 'The specified key does not exist.', requestId, { Key: target.key as string }),
    };
  }
  const objectHeadersForKey = { ...(await objectHeaders(root, info)), 'x-amz-request-id': requestId };
  if (target.operation === 'HeadObject') return { status: 200, headers: objectHeadersForKey, body: '' };
  return { status: 200, headers: objectHeadersForKey, body: objectStream(info) };
}

function writeS3(root: string, target: S3Target, request: S3Request): Promise<WriteAnswer> {
  const { headers } = request;
  const conditions = {
    ...(headers['if-match'] !== undefined ? { ifMatch: headers['if-match'] } : {}),
    ...(headers['if-none-match'] !== undefined ? { ifNoneMatch: headers['if-none-match'] } : {}),
  };
  if (target.operation === 'DeleteObject') return deleteObject(root, target.key as string, conditions);
  const chunked =
    (headers['content-encoding'] ?? '').includes('aws-chunked') ||
    (headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  return putObject(root, target.key as string, chunked ? decodeAwsChunked(request.rawBody) : request.rawBody, conditions);
}

function writeReply(answer: WriteAnswer, requestId: string, key: string): Reply {
  const headers = { ...answer.headers, 'x-amz-request-id': requestId };
  if (!answer.error) return { status: answer.status, headers, body: '' };
  return {
    status: answer.status,
    headers: { ...headers, 'content-type': 'application/xml' },
    body: s3ErrorXml(answer.error.code, answer.error.message, requestId, { Key: key }),
  };
}

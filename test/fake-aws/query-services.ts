/**
 * The fake's query-protocol and monitoring services: STS AssumeRole / GetCallerIdentity (credentials
 * whose access key id names the target account), SNS Publish and CloudWatch PutMetricData (JSON 1.0
 * as the current SDK sends it, and the older query protocol), recording what arrives.
 */
import { randomUUID } from 'node:crypto';
import { accessKeyForAccount } from '../../ingest/aws/sample-api/wire.js';
import type { RecordedMetricDatum, RecordedSnsMessage } from './types.js';
import { element, queryErrorXml } from './xml.js';

export interface QueryReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Caller {
  readonly account: string;
  readonly region: string;
}

const XML = { 'content-type': 'text/xml' };

function metadataXml(requestId: string): string {
  return `<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata>`;
}

export function stsReply(operation: string, params: Record<string, unknown>, caller: Caller): QueryReply {
  const requestId = randomUUID();
  const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
  if (operation === 'AssumeRole') {
    const roleArn = String(params.RoleArn ?? '');
    const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
    if (!match) {
      return { status: 400, headers: XML, body: queryErrorXml('ValidationError', `invalid RoleArn ${roleArn}`, requestId) };
    }
    const [, account, roleName] = match;
    const session = String(params.RoleSessionName ?? 'session');
    const expiration = new Date(Date.now() + Number(params.DurationSeconds ?? 3600) * 1000).toISOString();
    const body = `<AssumeRoleResponse xmlns="${ns}"><AssumeRoleResult><Credentials>${element(
      'AccessKeyId',
      accessKeyForAccount(account as string),
    )}${element('SecretAccessKey', 'fake-secret')}${element('SessionToken', `fake-session-${account}`)}${element(
      'Expiration',
      expiration,
    )}</Credentials><AssumedRoleUser>${element('AssumedRoleId', `AROAFAKE${account}:${session}`)}${element(
      'Arn',
      `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`,
    )}</AssumedRoleUser></AssumeRoleResult>${metadataXml(requestId)}</AssumeRoleResponse>`;
    return { status: 200, headers: XML, body };
  }
  if (operation === 'GetCallerIdentity') {
    const body = `<GetCallerIdentityResponse xmlns="${ns}"><GetCallerIdentityResult>${element(
      'Arn',
      `arn:aws:iam::${caller.account}:user/fake`,
    )}${element('UserId', 'AIDAFAKE')}${element('Account', caller.account)}</GetCallerIdentityResult>${metadataXml(
      requestId,
    )}</GetCallerIdentityResponse>`;
    return { status: 200, headers: XML, body };
  }
  return unknownAction(operation, requestId);
}

function unknownAction(operation: string, requestId: string): QueryReply {
  return { status: 400, headers: XML, body: queryErrorXml('InvalidAction', `the fake does not serve ${operation}`, requestId) };
}

export function snsReply(
  operation: string,
  params: Record<string, unknown>,
  caller: Caller,
  messages: RecordedSnsMessage[],
): QueryReply {
  const requestId = randomUUID();
  if (operation !== 'Publish') return unknownAction(operation, requestId);
  const attributes: Record<string, { dataType: string; value: string }> = {};
  for (const entry of (params.MessageAttributes as { Name?: string; Value?: Record<string, string> }[] | undefined) ?? []) {
    if (!entry?.Name) continue;
    attributes[entry.Name] = {
      dataType: entry.Value?.DataType ?? 'String',
      value: entry.Value?.StringValue ?? entry.Value?.BinaryValue ?? '',
    };
  }
  messages.push({
    account: caller.account,
    region: caller.region,
    ...optionalString('topicArn', params.TopicArn),
    ...optionalString('targetArn', params.TargetArn),
    ...optionalString('subject', params.Subject),
    message: String(params.Message ?? ''),
    ...optionalString('messageStructure', params.MessageStructure),
    messageAttributes: attributes,
    ...optionalString('messageGroupId', params.MessageGroupId),
    ...optionalString('messageDeduplicationId', params.MessageDeduplicationId),
  });
  const body = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>${element(
    'MessageId',
    randomUUID(),
  )}</PublishResult>${metadataXml(requestId)}</PublishResponse>`;
  return { status: 200, headers: XML, body };
}

function optionalString<K extends string>(name: K, value: unknown): Partial<Record<K, string>> {
  return value === undefined || value === null ? {} : ({ [name]: String(value) } as Record<K, string>);
}

/** Records each datum; `timestampsAreEpochSeconds` for JSON 1.0, ISO strings for the query protocol. */
export function recordMetricData(params: Record<string, unknown>, caller: Caller, sink: RecordedMetricDatum[]): void {
  const namespace = String(params.Namespace ?? '');
  for (const raw of (params.MetricData as Record<string, unknown>[] | undefined) ?? []) {
    const dimensions: Record<string, string> = {};
    for (const dimension of (raw.Dimensions as { Name?: string; Value?: string }[] | undefined) ?? []) {
      if (dimension?.Name) dimensions[dimension.Name] = String(dimension.Value ?? '');
    }
    const datum: RecordedMetricDatum = {
      account: caller.account,
      region: caller.region,
      namespace,
      metricName: String(raw.MetricName ?? ''),
      dimensions,
      raw,
      ...(raw.Value !== undefined ? { value: Number(raw.Value) } : {}),
      ...(Array.isArray(raw.Values) ? { values: raw.Values.map(Number) } : {}),
      ...(Array.isArray(raw.Counts) ? { counts: raw.Counts.map(Number) } : {}),
      ...(raw.Unit !== undefined ? { unit: String(raw.Unit) } : {}),
      ...(raw.Timestamp !== undefined ? { timestamp: parseTimestamp(raw.Timestamp) } : {}),
      ...(raw.StorageResolution !== undefined ? { storageResolution: Number(raw.StorageResolution) } : {}),
      ...(raw.StatisticValues
        ? {
            statisticValues: Object.fromEntries(
              Object.entries(raw.StatisticValues as Record<string, unknown>).map(([name, value]) => [name, Number(value)]),
            ),
          }
        : {}),
    };
    sink.push(datum);
  }
}

function parseTimestamp(value: unknown): Date {
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  return new Date(String(value));
}

export function cloudWatchQueryReply(operation: string): QueryReply {
  const requestId = randomUUID();
  const body = `<${operation}Response xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">${metadataXml(
    requestId,
  )}</${operation}Response>`;
  return { status: 200, headers: XML, body };
}

/**
 * The wire side of the sample API: turns a signed SDK v3 HTTP request into a `SampleRequest`
 * (service and region from the SigV4 credential scope, account from the access key id, operation
 * and parameters by protocol) and a `SampleAnswer` back into the HTTP response that protocol
 * expects. Shared by file mode's in-process request handler and the fake AWS service.
 */
import type { SampleAnswer, SampleRequest } from './router.js';

export type WireProtocol = 'json' | 'rest-json' | 'query' | 'rest-xml';

export interface WireRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
}

export interface DecodedRequest extends SampleRequest {
  readonly protocol: WireProtocol;
  /** The SigV4 signing name (ce, monitoring, s3...). */
  readonly signingName: string;
  readonly accessKeyId: string;
  /** JSON protocol version from the content type (1.0 or 1.1); undefined for other protocols. */
  readonly jsonVersion?: string;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Access key ids the fake issues and file mode signs with: the account is readable from them. */
const ACCOUNT_ACCESS_KEY = /^(?:AKIA|ASIA)FAKE(\d{12})$/;

export function accessKeyForAccount(account: string): string {
  return `ASIAFAKE${account}`;
}

export function accountFromAccessKey(accessKeyId: string): string | undefined {
  return ACCOUNT_ACCESS_KEY.exec(accessKeyId)?.[1];
}

/** SigV4 signing names that differ from the SDK client name the sample manifest uses. */
const CLIENT_NAME_BY_SIGNING_NAME: Record<string, string> = { ce: 'cost-explorer', monitoring: 'cloudwatch' };

export interface CredentialScope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly signingName: string;
}

export function credentialScope(authorization: string | undefined): CredentialScope | undefined {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  if (!match) return undefined;
  return { accessKeyId: match[1] as string, region: match[2] as string, signingName: match[3] as string };
}

export function decodeWireRequest(request: WireRequest, defaultAccount: string): DecodedRequest | undefined {
  const scope = credentialScope(request.headers.authorization);
  if (!scope) return undefined;
  const base = {
    signingName: scope.signingName,
    service: CLIENT_NAME_BY_SIGNING_NAME[scope.signingName] ?? scope.signingName,
    region: scope.region,
    accessKeyId: scope.accessKeyId,
    account: accountFromAccessKey(scope.accessKeyId) ?? defaultAccount,
  };
  const target = request.headers['x-amz-target'];
  const contentType = request.headers['content-type'] ?? '';
  if (target) {
    return {
      ...base,
      protocol: 'json',
      operation: target.slice(target.lastIndexOf('.') + 1),
      params: parseJsonBody(request.body),
      jsonVersion: /json-(1\.\d)/.exec(contentType)?.[1] ?? '1.1',
    };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const params = parseQueryParams(new URLSearchParams(request.body));
    return { ...base, protocol: 'query', operation: String(params.Action ?? ''), params };
  }
  if (scope.signingName === 's3') {
    return { ...base, protocol: 'rest-xml', operation: '', params: { ...request.query } };
  }
  // REST-JSON (Lake Formation): POST /<Operation> with the input as the JSON body.
  return {
    ...base,
    protocol: 'rest-json',
    operation: decodeURIComponent(request.path.replace(/^\//, '').split('/')[0] ?? ''),
    params: parseJsonBody(request.body),
  };
}

function parseJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  return JSON.parse(body) as Record<string, unknown>;
}

/**
 * Query-protocol form fields to a nested object: `MetricData.member.1.MetricName=x` becomes
 * `{MetricData: [{MetricName: 'x'}]}`; `.member.N` and `.entry.N` segments are list indexes.
 */
export function parseQueryParams(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of form) {
    const segments = name.split('.').filter((segment) => segment !== 'member' && segment !== 'entry');
    let node: Record<string, unknown> | unknown[] = root;
    segments.forEach((segment, index) => {
      const last = index === segments.length - 1;
      const nextIsIndex = /^\d+$/.test(segments[index + 1] ?? '');
      const key: string | number = Array.isArray(node) ? Number(segment) - 1 : segment;
      const container = node as Record<string | number, unknown>;
      if (last) container[key] = value;
      else {
        container[key] ??= nextIsIndex ? [] : {};
        node = container[key] as Record<string, unknown> | unknown[];
      }
    });
  }
  return root;
}

/** The error code each service uses when it throttles (all are retryable throttling codes). */
export function throttlingCodeFor(service: string, protocol: WireProtocol): string {
  if (protocol === 'query') return 'Throttling';
  if (protocol === 'rest-xml') return 'SlowDown';
  if (service === 'athena' || service === 'organizations') return 'TooManyRequestsException';
  if (service === 'cost-explorer') return 'LimitExceededException';
  return 'ThrottlingException';
}

export function jsonContentType(decoded: Pick<DecodedRequest, 'protocol' | 'jsonVersion'>): string {
  return decoded.protocol === 'json' ? `application/x-amz-json-${decoded.jsonVersion ?? '1.1'}` : 'application/json';
}

export function encodeJsonAnswer(decoded: DecodedRequest, answer: SampleAnswer, requestId: string): WireResponse {
  if (answer.kind === 'ok') {
    return {
      status: 200,
      headers: { 'content-type': jsonContentType(decoded), 'x-amzn-requestid': requestId },
      body: JSON.stringify(answer.body),
    };
  }
  return encodeJsonError(decoded, answer.status, answer.code, answer.message, requestId);
}

export function encodeJsonError(
  decoded: Pick<DecodedRequest, 'protocol' | 'jsonVersion'>,
  status: number,
  code: string,
  message: string,
  requestId: string,
): WireResponse {
  return {
    status,
    headers: {
      'content-type': jsonContentType(decoded),
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code,
    },
    body: JSON.stringify({ __type: code, message }),
  };
}

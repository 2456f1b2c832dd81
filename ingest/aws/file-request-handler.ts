/**
 * File mode (`aws.mode: file`): a smithy request handler that answers every SDK request in-process
 * from the recorded API responses, through the same router the fake AWS service uses over HTTP.
 * The SDK still serialises and signs each request and its own deserialisers parse each body, so
 * the collectors run the exact code path they run against AWS — with no network.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import type { SampleApiStore } from './sample-api/manifest.js';
import { answerSampleRequest } from './sample-api/router.js';
import { decodeWireRequest, encodeJsonAnswer, encodeJsonError, type WireResponse } from './sample-api/wire.js';

export interface FileRequestHandler {
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** `defaultAccount` answers requests signed with keys that name no account. */
export function createFileRequestHandler(store: SampleApiStore, defaultAccount: string): FileRequestHandler {
  return {
    async handle(request) {
      const wire = await answer(store, request, defaultAccount);
      const response: HttpResponse = {
        statusCode: wire.status,
        reason: undefined,
        headers: wire.headers,
        body: new TextEncoder().encode(wire.body),
      };
      return { response };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

async function answer(store: SampleApiStore, request: HttpRequest, defaultAccount: string): Promise<WireResponse> {
  const requestId = randomUUID();
  const headers = lowerCaseHeaders(request.headers);
  const decoded = decodeWireRequest(
    {
      method: request.method,
      path: request.path,
      query: flatQuery(request.query),
      headers,
      body: bodyText(request.body),
    },
    defaultAccount,
  );
  if (!decoded || (decoded.protocol !== 'json' && decoded.protocol !== 'rest-json')) {
    const protocol = decoded ?? { protocol: 'json' as const };
    return encodeJsonError(protocol, 400, 'UnsupportedOperation', 'file mode answers only recorded JSON APIs', requestId);
  }
  try {
    return encodeJsonAnswer(decoded, await answerSampleRequest(store, decoded), requestId);
  } catch (error) {
    return encodeJsonError(decoded, 500, 'InternalFailure', (error as Error).message, requestId);
  }
}

function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function flatQuery(query: HttpRequest['query']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(query ?? {})) {
    if (typeof value === 'string') flat[name] = value;
    else if (Array.isArray(value) && value.length > 0) flat[name] = String(value[0]);
  }
  return flat;
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new TypeError('file mode cannot answer a streamed request body');
}

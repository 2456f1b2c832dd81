/**
 * The network bounds every AWS call runs under (config `network`, README "Network timeouts and
 * bounds"): a connection timeout and a request timeout on each attempt, `aws.max_attempts`
 * attempts, a page cap on each listing, a deadline on each AssumeRole, each source and the run.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { NodeHttpHandlerOptions } from '@smithy/types';
import type { MeshwatchConfig } from '../../lib/config/schema.js';
import { anySignal } from './deadline.js';

export interface NetworkBounds {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxPages: number;
  readonly assumeRoleTimeoutMs: number;
  readonly sourceDeadlineMs: number;
  readonly runDeadlineMs: number;
}

export function networkBounds(config: Pick<MeshwatchConfig, 'network'>): NetworkBounds {
  const network = config.network;
  return {
    connectTimeoutMs: network.connect_timeout_ms,
    requestTimeoutMs: network.request_timeout_ms,
    maxPages: network.max_pages,
    assumeRoleTimeoutMs: network.assume_role_timeout_ms,
    sourceDeadlineMs: Math.round(network.source_deadline_seconds * 1000),
    runDeadlineMs: Math.round(network.run_deadline_seconds * 1000),
  };
}

type HandleArguments = Parameters<NodeHttpHandler['handle']>;

/** What an SDK client needs of a request handler (NodeHttpHandler's shape). */
export type BoundedRequestHandler = Pick<
  NodeHttpHandler,
  'metadata' | 'handle' | 'updateHttpClientConfig' | 'httpHandlerConfigs' | 'destroy'
>;

/**
 * The SDK's Node HTTP handler with meshwatch's timeouts, which also gives up when `signal` aborts
 * (a source or run deadline) — for every client built from one AwsAccess, whoever calls it.
 *
 * - `connectionTimeout`: the TCP/TLS connection must open in time;
 * - `requestTimeout` + `throwOnRequestTimeout`: the answer's headers must arrive in time (without
 *   the flag this handler version only logs a warning);
 * - `socketTimeout`: the longest silence on the socket, so a body that stops half-way fails too.
 * Each is per attempt: the SDK retries a timed-out attempt like any transient error.
 */
/**
 * The one way meshwatch bounds an SDK request: connecting within `connectTimeoutMs`, and no request
 * (nor a body that stalls half way) running past `requestTimeoutMs`. Without throwOnRequestTimeout
 * this handler version only logs a warning when requestTimeout passes and goes on waiting.
 */
export function timeoutRequestHandler(connectTimeoutMs: number, requestTimeoutMs: number): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: connectTimeoutMs,
    requestTimeout: requestTimeoutMs,
    throwOnRequestTimeout: true,
    socketTimeout: requestTimeoutMs,
  });
}

export function boundedRequestHandler(bounds: NetworkBounds, signal?: AbortSignal): BoundedRequestHandler {
  const inner = timeoutRequestHandler(bounds.connectTimeoutMs, bounds.requestTimeoutMs);
  if (!signal) return inner;
  return {
    metadata: inner.metadata,
    handle(request: HandleArguments[0], options: HandleArguments[1] = {}) {
      const abortSignal = anySignal(options.abortSignal as AbortSignal | undefined, signal);
      return inner.handle(request, { ...options, ...(abortSignal ? { abortSignal } : {}) });
    },
    updateHttpClientConfig: (key: keyof NodeHttpHandlerOptions, value: NodeHttpHandlerOptions[typeof key]) =>
      inner.updateHttpClientConfig(key, value),
    httpHandlerConfigs: () => inner.httpHandlerConfigs(),
    destroy: () => inner.destroy(),
  };
}

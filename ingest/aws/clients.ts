/**
 * How collectors get SDK clients: one place that applies AWS conventions — the default credential
 * chain (or `aws.profile` / AWS_PROFILE), `sts:AssumeRole` into `arn:aws:iam::<account>:role/<aws.roles.collector>`
 * once per account, the configured endpoint override and the SDK's standard retry with
 * `aws.max_attempts` — or, in file mode, an in-process handler answering from recorded responses.
 * Live clients get the network bounds (network-bounds.ts): connection and request timeouts on
 * every attempt, and the source/run deadline given as `signal`.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { accountsOfKind } from '../../lib/config/accounts.js';
import type { MeshwatchConfig } from '../../lib/config/schema.js';
import { assumeRoleCredentials } from './assume-role.js';
import { anySignal } from './deadline.js';
import { createFileRequestHandler, type FileRequestHandler } from './file-request-handler.js';
import { type BoundedRequestHandler, boundedRequestHandler, networkBounds } from './network-bounds.js';
import { openSampleApiStore } from './sample-api/manifest.js';
import { accessKeyForAccount } from './sample-api/wire.js';

export const COLLECTOR_SESSION_NAME = 'meshwatch-collector';

export interface AwsClientConfig {
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider;
  readonly maxAttempts: number;
  readonly retryMode: 'standard';
  readonly endpoint?: string;
  readonly requestHandler: FileRequestHandler | BoundedRequestHandler;
}

export interface AwsAccess {
  readonly mode: 'live' | 'file';
  /** Options for an SDK client acting in `account` and `region` (a new request handler each call). */
  clientConfig(account: string, region: string): AwsClientConfig;
  /** The same for S3: path-style addressing when an endpoint override is set. */
  s3ClientConfig(account: string, region: string): AwsClientConfig & { readonly forcePathStyle: boolean };
  /**
   * The client, sending every command with this access's deadline signal: the SDK then also cuts
   * its retry backoff short (the request handler alone stops only the request in flight).
   */
  withDeadline<C>(client: C): C;
}

export interface AwsAccessOverrides {
  /** Credentials to assume roles with, instead of the default provider chain (tests). */
  readonly baseCredentials?: AwsCredentialIdentityProvider;
  /** The source or run deadline: every request of every client built from this access stops when it aborts. */
  readonly signal?: AbortSignal;
}

export async function createAwsAccess(config: MeshwatchConfig, overrides: AwsAccessOverrides = {}): Promise<AwsAccess> {
  return config.aws.mode === 'file' ? createFileAccess(config, overrides) : createLiveAccess(config, overrides);
}

function createLiveAccess(config: MeshwatchConfig, overrides: AwsAccessOverrides): AwsAccess {
  const base = overrides.baseCredentials ?? fromNodeProviderChain(config.aws.profile ? { profile: config.aws.profile } : {});
  const bounds = networkBounds(config);
  const stsRegion = config.regions[0] ?? 'us-east-1';
  const perAccount = new Map<string, AwsCredentialIdentityProvider>();
  const credentialsFor = (account: string): AwsCredentialIdentityProvider => {
    let provider = perAccount.get(account);
    if (!provider) {
      provider = memoizeCredentials(
        tagFailures(
          assumeRoleCredentials({
            base,
            params: {
              RoleArn: collectorRoleArn(account, config.aws.roles.collector),
              RoleSessionName: COLLECTOR_SESSION_NAME,
              // The deployed collector roles trust the task role only with this external id (infra/).
              ...externalIdParam(config.aws.roles.external_id_env),
            },
            region: stsRegion,
            maxAttempts: config.aws.max_attempts,
            bounds,
            ...(config.aws.endpoint ? { endpoint: config.aws.endpoint } : {}),
            ...(overrides.signal ? { signal: overrides.signal } : {}),
          }),
        ),
      );
      perAccount.set(account, provider);
    }
    return provider;
  };
  const clientConfig = (account: string, region: string): AwsClientConfig => ({
    region,
    credentials: credentialsFor(account),
    maxAttempts: config.aws.max_attempts,
    retryMode: 'standard',
    // One handler per client: destroying a client closes its handler's sockets only.
    requestHandler: boundedRequestHandler(bounds, overrides.signal),
    ...(config.aws.endpoint ? { endpoint: config.aws.endpoint } : {}),
  });
  return {
    mode: 'live',
    clientConfig,
    withDeadline: (client) => (overrides.signal ? passAbortSignal(client, overrides.signal) : client),
    s3ClientConfig: (account, region) => ({ ...clientConfig(account, region), forcePathStyle: Boolean(config.aws.endpoint) }),
  };
}

async function createFileAccess(config: MeshwatchConfig, overrides: AwsAccessOverrides): Promise<AwsAccess> {
  // No request leaves the process in file mode, so the SDK's notice about future Node versions
  // (printed once per process on Node 20) is noise on the sample run; live mode still shows it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const store = await openSampleApiStore(config.aws.snapshots as string);
  const management = accountsOfKind(config, 'management')[0]?.id ?? '000000000000';
  const handler = createFileRequestHandler(store, management);
  const clientConfig = (account: string, region: string): AwsClientConfig => ({
    region,
    // Keys that name the account: the recorded response of that account answers.
    credentials: async () => ({ accessKeyId: accessKeyForAccount(account), secretAccessKey: 'file-mode' }),
    maxAttempts: config.aws.max_attempts,
    retryMode: 'standard',
    requestHandler: handler,
  });
  return {
    mode: 'file',
    clientConfig,
    withDeadline: (client) => (overrides.signal ? passAbortSignal(client, overrides.signal) : client),
    s3ClientConfig: (account, region) => ({ ...clientConfig(account, region), forcePathStyle: true }),
  };
}

export function collectorRoleArn(account: string, roleName: string): string {
  return `arn:aws:iam::${account}:role/${roleName}`;
}

/** One AssumeRole per account, shared by every client of that account; renewed 5 minutes before expiry. */
function memoizeCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (current) {
      const credentials = await current.catch(() => undefined);
      const expiresAt = credentials?.expiration?.getTime();
      if (credentials && (expiresAt === undefined || expiresAt - Date.now() > 5 * 60_000)) return credentials;
    }
    current = provider();
    return current;
  };
}

/** Marks a credential failure as the AssumeRole call it is, for collection_errors. */
function tagFailures(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  return async (...args) => {
    try {
      return await provider(...args);
    } catch (error) {
      if (error && typeof error === 'object') (error as { $command?: string }).$command ??= 'AssumeRoleCommand';
      throw error;
    }
  };
}

interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Tags every error a client throws with the command that failed (read by collection_errors). */
export function tagCommandErrors<C>(client: C): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error && typeof error === 'object') (error as { $command?: string }).$command ??= context.commandName;
        throw error;
      }
    },
    { step: 'initialize', name: 'meshwatchCommandTag' },
  );
  return client;
}

interface SendingClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** Passes `signal` with every command the client sends (the caller's own signal still counts). */
export function passAbortSignal<C>(client: C, signal: AbortSignal): C {
  const sending = client as unknown as SendingClient;
  const send = sending.send.bind(client);
  sending.send = (command, options = {}) =>
    send(command, { ...options, abortSignal: anySignal(options.abortSignal, signal) as AbortSignal });
  return client;
}

function externalIdParam(variable: string): { ExternalId?: string } {
  const externalId = process.env[variable];
  return externalId ? { ExternalId: externalId } : {};
}

/**
 * `sts:AssumeRole` into a collector role, bounded: the STS client has the same connection and
 * request timeouts as every other client and `aws.max_attempts` attempts, and one AssumeRole with
 * all its retries (throttling backs off up to 20 s a retry) must succeed within
 * `network.assume_role_timeout_ms` — or sooner, when the source or run deadline comes first.
 * The SDK's fromTemporaryCredentials takes no abort signal, hence this small provider.
 */
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CollectorError } from '../../lib/errors.js';
import { DeadlineError, deadlineReached, startDeadline } from './deadline.js';
import { boundedRequestHandler, type NetworkBounds } from './network-bounds.js';

export interface AssumeRoleOptions {
  /** The credentials that call STS (the default provider chain, or test credentials). */
  readonly base: AwsCredentialIdentityProvider;
  readonly params: AssumeRoleCommandInput & { readonly RoleArn: string; readonly RoleSessionName: string };
  readonly region: string;
  readonly endpoint?: string;
  readonly maxAttempts: number;
  readonly bounds: NetworkBounds;
  /** The source or run deadline. */
  readonly signal?: AbortSignal;
}

export function assumeRoleCredentials(options: AssumeRoleOptions): AwsCredentialIdentityProvider {
  const { bounds, params, signal } = options;
  let client: STSClient | undefined;
  return async (): Promise<AwsCredentialIdentity> => {
    client ??= new STSClient({
      region: options.region,
      credentials: options.base,
      maxAttempts: options.maxAttempts,
      retryMode: 'standard',
      requestHandler: boundedRequestHandler(bounds, signal),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    const deadline = startDeadline(
      bounds.assumeRoleTimeoutMs,
      () =>
        new DeadlineError(
          'AssumeRoleDeadlineExceeded',
          `sts:AssumeRole into ${params.RoleArn} did not succeed within ${bounds.assumeRoleTimeoutMs} ms (network.assume_role_timeout_ms)`,
          { context: { operation: 'AssumeRole' }, hint: 'STS kept failing or throttling; the next run tries again' },
        ),
      signal,
    );
    try {
      const { Credentials } = await client.send(new AssumeRoleCommand(params), { abortSignal: deadline.signal });
      if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
        throw new CollectorError(`sts:AssumeRole into ${params.RoleArn} answered without credentials`, {
          context: { operation: 'AssumeRole' },
        });
      }
      return {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
        ...(Credentials.Expiration ? { expiration: Credentials.Expiration } : {}),
      };
    } catch (error) {
      // The SDK reports an abort as a bare AbortError; the deadline that caused it says more.
      throw deadlineReached(deadline.signal)?.during('AssumeRole') ?? error;
    } finally {
      deadline.cancel();
    }
  };
}

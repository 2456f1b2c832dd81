/**
 * SDK clients for the alert destinations. Like the collectors' clients (ingest/aws/clients.ts) they
 * honour `aws.endpoint`, `aws.profile` and `aws.max_attempts`, but they act as the pipeline's own
 * identity: publishing to the on-call topic and to CloudWatch happens in the audit account, not
 * through the read-only collector role assumed in member accounts, so that factory does not fit.
 * Each attempt is bounded by the destination's `timeout_ms` (connecting, then the whole request
 * and answer); the SDK's default is no timeout at all, so a silent endpoint would hang the run.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { timeoutRequestHandler } from '../../../ingest/aws/network-bounds.js';
import type { MeshwatchConfig } from '../../../lib/config/schema.js';

type AwsSettings = Pick<MeshwatchConfig, 'aws'>;
export type AwsCredentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export const DEFAULT_AWS_TIMEOUT_MS = 10_000;

function clientSettings(config: AwsSettings, region: string, timeoutMs: number, credentials?: AwsCredentials) {
  return {
    region,
    requestHandler: timeoutRequestHandler(timeoutMs, timeoutMs),
    maxAttempts: config.aws.max_attempts,
    retryMode: 'standard',
    credentials: credentials ?? fromNodeProviderChain(config.aws.profile ? { profile: config.aws.profile } : {}),
    ...(config.aws.endpoint ? { endpoint: config.aws.endpoint } : {}),
  };
}

export function cloudWatchClient(
  config: AwsSettings,
  region: string,
  credentials?: AwsCredentials,
  timeoutMs = DEFAULT_AWS_TIMEOUT_MS,
): CloudWatchClient {
  // Uncompressed bodies: a batch of 1000 points is a few hundred KB, well inside the 1 MB request
  // limit, and local test services (the fake AWS) read plain JSON only.
  return new CloudWatchClient({ ...clientSettings(config, region, timeoutMs, credentials), disableRequestCompression: true });
}

/** `timeoutMs` bounds each attempt; the SDK retries up to `aws.max_attempts` times. */
export function snsClient(
  config: AwsSettings,
  region: string,
  credentials?: AwsCredentials,
  timeoutMs = DEFAULT_AWS_TIMEOUT_MS,
): SNSClient {
  return new SNSClient(clientSettings(config, region, timeoutMs, credentials));
}

/** The region an ARN names (arn:aws:sns:<region>:<account>:<name>). */
export function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

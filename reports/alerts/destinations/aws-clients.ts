/**
 * SDK clients for the alert destinations. Like the collectors' clients (ingest/aws/clients.ts) they
 * honour `aws.endpoint`, `aws.profile` and `aws.max_attempts`, but they act as the pipeline's own
 * identity: publishing to the on-call topic and to CloudWatch happens in the audit account, not
 * through the read-only collector role assumed in member accounts, so that factory does not fit.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { MeshwatchConfig } from '../../../lib/config/schema.js';

type AwsSettings = Pick<MeshwatchConfig, 'aws'>;
export type AwsCredentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

function clientSettings(config: AwsSettings, region: string, credentials?: AwsCredentials) {
  return {
    region,
    maxAttempts: config.aws.max_attempts,
    retryMode: 'standard',
    credentials: credentials ?? fromNodeProviderChain(config.aws.profile ? { profile: config.aws.profile } : {}),
    ...(config.aws.endpoint ? { endpoint: config.aws.endpoint } : {}),
  };
}

export function cloudWatchClient(config: AwsSettings, region: string, credentials?: AwsCredentials): CloudWatchClient {
  // Uncompressed bodies: a batch of 1000 points is a few hundred KB, well inside the 1 MB request
  // limit, and local test services (the fake AWS) read plain JSON only.
  return new CloudWatchClient({ ...clientSettings(config, region, credentials), disableRequestCompression: true });
}

export function snsClient(config: AwsSettings, region: string, credentials?: AwsCredentials): SNSClient {
  return new SNSClient(clientSettings(config, region, credentials));
}

/** The region an ARN names (arn:aws:sns:<region>:<account>:<name>). */
export function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

/**
 * The fake AWS service for tests (see README.md): start it, point real SDK v3 clients at it with
 * `fakeAwsClientConfig`, inject faults, and assert on the requests, metric data and SNS messages
 * it recorded.
 */
import { accessKeyForAccount } from '../../ingest/aws/sample-api/wire.js';
import type { FakeAws } from './types.js';

export { type ObjectSidecar, SIDECAR_SUFFIX } from './s3-bucket.js';
export { REPEATED_TOKEN, REPO_SAMPLE_DIR, startFakeAws } from './server.js';
export type {
  FakeAws,
  FakeAwsOptions,
  FakeResponder,
  Fault,
  FaultKind,
  RecordedMetricDatum,
  RecordedRequest,
  RecordedSnsMessage,
} from './types.js';

export interface FakeAwsClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly forcePathStyle: true;
}

/**
 * SDK client options for the fake. With `account`, the credentials name that account (as if
 * assumed into it); without, requests count as the fake's default (management) account.
 */
export function fakeAwsClientConfig(
  fake: Pick<FakeAws, 'endpoint'>,
  region = 'us-east-1',
  account?: string,
): FakeAwsClientConfig {
  return {
    endpoint: fake.endpoint,
    region,
    credentials: { accessKeyId: account ? accessKeyForAccount(account) : 'AKIAFAKEDUMMYKEY0000', secretAccessKey: 'fake-secret' },
    forcePathStyle: true,
  };
}

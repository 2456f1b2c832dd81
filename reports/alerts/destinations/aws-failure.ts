/** Classifies an AWS SDK failure for the outbox: a client error (4xx, not throttling) is permanent. */
import { DeliveryError } from '../errors.js';

const THROTTLING = /throttl|toomanyrequests|requestlimitexceeded|slowdown/i;

export function deliveryErrorFromAws(destination: string, action: string, error: unknown): DeliveryError {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = failure.$metadata?.httpStatusCode;
  const permanent = status !== undefined && status >= 400 && status < 500 && !THROTTLING.test(failure.name ?? '');
  return new DeliveryError(
    `destination ${destination}: ${action} failed: ${failure.name ?? 'Error'}: ${failure.message ?? ''}`,
    permanent,
    {
      cause: error,
      context: { destination, ...(status === undefined ? {} : { status }) },
      hint: permanent
        ? 'check the topic ARN and that the credentials may call it (sns:Publish / cloudwatch:PutMetricData)'
        : 'it stays in the outbox and is sent again on the next run',
    },
  );
}

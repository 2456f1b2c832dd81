/** Errors of the alerting stage. */
import { AlertError, type MeshwatchErrorOptions } from '../../lib/errors.js';

/**
 * A destination did not take a notification. `permanent` failures (an HTTP 4xx, a rejected
 * parameter) will fail the same way again, so they are reported and not retried; the others
 * (5xx, timeouts, network) stay in the outbox for the next run.
 */
export class DeliveryError extends AlertError {
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean, options: MeshwatchErrorOptions = {}) {
    super(message, options);
    this.permanent = permanent;
  }
}

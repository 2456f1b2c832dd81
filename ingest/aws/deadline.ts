/**
 * Deadlines as AbortSignals. The collect stage starts one for the run and one per source (each
 * source's signal also aborts when the run's does); AWS calls take the signal (`send(command,
 * { abortSignal })` and the request handler), so a deadline stops the request in flight and the
 * SDK's retry backoff at once. The signal's reason is the DeadlineError that says which deadline.
 */
import { CollectorError, type MeshwatchErrorOptions } from '../../lib/errors.js';

export type DeadlineCode = 'RunDeadlineExceeded' | 'SourceDeadlineExceeded' | 'AssumeRoleDeadlineExceeded';

export class DeadlineError extends CollectorError {
  /** Read as `error_name` by collection_errors, like an AWS error code. */
  readonly Code: DeadlineCode;
  /** The operation the deadline interrupted (read as `operation` by collection_errors). */
  readonly $command: string | undefined;

  constructor(code: DeadlineCode, message: string, options: MeshwatchErrorOptions & { operation?: string } = {}) {
    super(message, options);
    this.Code = code;
    this.$command = options.operation;
  }

  /**
   * This deadline as it stopped one operation: a new error (a signal's reason is shared by every
   * call it stops, so it is never tagged in place).
   */
  during(operation: string | undefined): DeadlineError {
    return new DeadlineError(this.Code, this.message, {
      context: { ...this.context, ...(operation ? { operation } : {}) },
      ...(this.hint ? { hint: this.hint } : {}),
      ...(operation ? { operation } : {}),
    });
  }
}

export interface Deadline {
  readonly signal: AbortSignal;
  /** Stops the timer (the work ended in time) and detaches from the parent signal. */
  cancel(): void;
}

/** A signal that aborts with `reason()` after `ms`, or with the parent's reason when `parent` aborts first. */
export function startDeadline(ms: number, reason: () => Error, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  // A pending deadline must not keep a finished process alive.
  timer.unref();
  const onParentAbort = () => {
    clearTimeout(timer);
    controller.abort(parent?.reason);
  };
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    cancel() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** The DeadlineError a signal aborted with, if it has. */
export function deadlineReached(signal: AbortSignal | undefined): DeadlineError | undefined {
  return signal?.aborted && signal.reason instanceof DeadlineError ? signal.reason : undefined;
}

/** Signals combined: aborts when any of them does (undefined when none is given). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

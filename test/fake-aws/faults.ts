/** Pending injected faults: each matching request consumes one until the fault's count is spent. */
import type { Fault } from './types.js';

interface PendingFault {
  readonly fault: Fault;
  remaining: number;
}

export class FaultBook {
  private pending: PendingFault[] = [];

  add(fault: Fault): void {
    this.pending.push({ fault, remaining: fault.count ?? 1 });
  }

  /** The first pending fault that applies to this request, consumed by one. */
  take(operation: string, account: string): Fault | undefined {
    const match = this.pending.find(
      ({ fault, remaining }) =>
        remaining > 0 &&
        (fault.operation === undefined || fault.operation === operation) &&
        (fault.account === undefined || fault.account === account),
    );
    if (!match) return undefined;
    match.remaining -= 1;
    return match.fault;
  }

  clear(): void {
    this.pending = [];
  }
}

/** The lake lock's waiting policy from the command line: --no-wait and --lock-timeout <duration>. */
import { UsageError } from '../errors.js';
import type { LockPolicy } from './lock.js';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `--lock-timeout`: 90 (seconds), 30s, 10m, 1h, 500ms. */
export function parseLockTimeout(text: string): number {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match) {
    throw new UsageError(`cannot read --lock-timeout "${text}" as a duration`, {
      hint: 'give seconds (90) or a number with a unit: 500ms, 30s, 10m, 1h',
    });
  }
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS]);
}

export function lockPolicyFromFlags(flags: { readonly wait?: boolean; readonly lockTimeout?: string }): LockPolicy {
  return {
    wait: flags.wait !== false,
    ...(flags.lockTimeout === undefined ? {} : { timeoutMs: parseLockTimeout(flags.lockTimeout) }),
  };
}

/**
 * Opening the lake's DuckDB file when another process has it open. DuckDB lets one process open
 * the file for writing and no reader beside it (or several readers and no writer), and refuses the
 * others with "Could not set lock on file". A report whose read-only open meets a running transform,
 * or a transform whose open meets a report still reading, waits for the file to be free (saying once
 * whom it waits for) under the same policy as the lake lock: --no-wait fails at once, and
 * --lock-timeout bounds the wait. The operating system drops DuckDB's lock when its holder dies, so
 * there is nothing stale to take over here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LakeError } from '../errors.js';
import type { Logger } from '../log.js';
import { type Database, type OpenOptions, openDatabase } from './duckdb.js';
import { LakeLockedError, type LockPolicy } from './lock.js';

const FIRST_POLL_MS = 100;
const LONGEST_POLL_MS = 1_000;
const CONFLICT = /Could not set lock on file/i;
const HOLDER_PID = /\(PID (\d+)\)/;

export async function openDatabaseWhenFree(
  path: string,
  options: OpenOptions,
  policy: LockPolicy,
  logger: Logger,
): Promise<Database> {
  const started = Date.now();
  let delay = FIRST_POLL_MS;
  let announced = false;
  for (;;) {
    try {
      return await openDatabase(path, options);
    } catch (error) {
      const conflict = conflictOf(error);
      if (conflict === undefined) throw error;
      const holder = conflict.pid ? `pid ${conflict.pid}` : 'another process';
      const waited = Date.now() - started;
      if (policy.wait === false || (policy.timeoutMs !== undefined && waited >= policy.timeoutMs)) {
        throw new LakeLockedError(
          `${path} is open in ${holder} ${policy.wait === false ? 'and --no-wait was given' : `and was not closed within --lock-timeout ${policy.timeoutMs} ms`}`,
          {
            cause: error,
            context: { file: path, ...(conflict.pid ? { pid: conflict.pid } : {}) },
            hint: 'DuckDB lets one process write the lake database, or several read it, not both; wait for the other meshwatch command to finish',
          },
        );
      }
      if (!announced) {
        logger.info(`waiting for ${holder} to close ${path}…`);
        announced = true;
      }
      const remaining = policy.timeoutMs === undefined ? delay : Math.min(delay, policy.timeoutMs - waited);
      await sleep(Math.max(remaining, 1));
      delay = Math.min(Math.round(delay * 1.5), LONGEST_POLL_MS);
    }
  }
}

function conflictOf(error: unknown): { pid?: number } | undefined {
  if (!(error instanceof LakeError)) return undefined;
  const message = error.cause instanceof Error ? error.cause.message : '';
  if (!CONFLICT.test(message)) return undefined;
  const pid = HOLDER_PID.exec(message)?.[1];
  return pid ? { pid: Number(pid) } : {};
}

/**
 * A worker's native path: a group of whole log objects (native-eligibility.ts said DuckDB may read
 * them) written by ONE DuckDB statement (native-batch-sql.ts) — no JS per record. Measured
 * ~22 CPU-µs an event against ~40–51 for the JS path (bench/RESULTS.md).
 *
 * Anything the statement cannot do goes back to the caller for the JS path, so results stay
 * exactly the JS path's:
 * - a record the SQL cannot decide with certainty: the object's outcome lists its index, and the
 *   caller runs the JS path on the object for those records only;
 * - an object DuckDB cannot read (its read_json error names the file): taken out of the group, the
 *   rest retried (a few times at most); an error naming no file (or one retry too many): every
 *   object of the group goes the JS way. A failed attempt's files are deleted first.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Database } from '../../lib/lake/duckdb.js';
import { type NativeObject, nativeCopySql, UNCERTAIN_PARTITION, uncertainRecordsSql } from './native-batch-sql.js';
import type { NativeCandidate } from './native-eligibility.js';
import { isOutOfMemory, withDoubledMemory } from './row-store.js';

export interface NativeItem<T> {
  readonly object: NativeObject;
  readonly candidate: NativeCandidate;
  /** The caller's own handle (its task). */
  readonly tag: T;
}

export interface NativeOutcome<T> {
  readonly item: NativeItem<T>;
  /** `whole`: DuckDB wrote none of its rows; `native`: all but the `uncertain` records' rows. */
  readonly kind: 'native' | 'whole';
  /** Indexes of the records left to the JS path (sorted). */
  readonly uncertain: readonly number[];
}

export interface NativeGroupInput<T> {
  readonly db: Database;
  readonly items: readonly NativeItem<T>[];
  /** A fresh output folder for each attempt (under the batch's rows folder). */
  nextTarget(): string;
  /** DuckDB's usual memory limit; one retry runs with twice this when DuckDB runs out. */
  readonly memoryLimit: string;
}

/** Objects taken out of a group before the whole group goes the JS way. */
const MAX_FILE_RETRIES = 4;
const MIN_OBJECT_SIZE = 1024 * 1024;

export async function writeNativeGroup<T>(input: NativeGroupInput<T>): Promise<NativeOutcome<T>[]> {
  const outcomes: NativeOutcome<T>[] = [];
  let remaining = [...input.items];
  let fileRetries = 0;
  let memoryRetried = false;
  while (remaining.length > 0) {
    const target = input.nextTarget();
    try {
      await runCopy(input, remaining, target, memoryRetried);
    } catch (error) {
      await rm(target, { recursive: true, force: true });
      const message = (error as Error).message ?? '';
      const culprit = fileRetries < MAX_FILE_RETRIES ? culpritOf(message, remaining) : undefined;
      if (culprit) {
        fileRetries++;
        outcomes.push({ item: culprit, kind: 'whole', uncertain: [] });
        remaining = remaining.filter((item) => item !== culprit);
        continue;
      }
      if (!memoryRetried && isOutOfMemory(error)) {
        memoryRetried = true;
        continue;
      }
      for (const item of remaining) outcomes.push({ item, kind: 'whole', uncertain: [] });
      return outcomes;
    }
    const uncertain = await takeUncertain(input.db, target);
    for (const item of remaining) {
      const indexes = uncertain.get(item.object.path) ?? [];
      outcomes.push({ item, kind: 'native', uncertain: indexes.sort((a, b) => a - b) });
    }
    return outcomes;
  }
  return outcomes;
}

async function runCopy<T>(input: NativeGroupInput<T>, items: readonly NativeItem<T>[], target: string, doubled: boolean) {
  let largest = 0;
  for (const item of items) largest = Math.max(largest, item.candidate.textBytes);
  const maximumObjectSize = maximumObjectSizeFor(largest);
  const sql = nativeCopySql({ objects: items.map((item) => item.object), target, maximumObjectSize });
  // DuckDB creates the target folder, not its parents.
  await mkdir(dirname(target), { recursive: true });
  if (doubled) await withDoubledMemory(input.db, input.memoryLimit, () => input.db.run(sql));
  else await input.db.run(sql);
}

/**
 * read_json's `maximum_object_size` for objects of at most `largest` uncompressed bytes: the next
 * power of two (at least 1 MiB). DuckDB sizes its read buffers from it, so a fixed 256 MiB costs
 * every object (the bench's bare path measured ~20% slower with it, bench/RESULTS.md 2026-12-07).
 */
export function maximumObjectSizeFor(largest: number): number {
  return Math.max(MIN_OBJECT_SIZE, 2 ** Math.ceil(Math.log2(largest + 1)));
}

/** The object a read_json error names (`... in file "<path>" ...`), when it is one of the group's. */
function culpritOf<T>(message: string, items: readonly NativeItem<T>[]): NativeItem<T> | undefined {
  for (const match of message.matchAll(/file "([^"]+)"/g)) {
    const named = match[1];
    const item = items.find((candidate) => candidate.object.path === named);
    if (item) return item;
  }
  return undefined;
}

/** Reads and deletes the sentinel partition: record indexes by object path. */
async function takeUncertain(db: Database, target: string): Promise<Map<string, number[]>> {
  const byPath = new Map<string, number[]>();
  const dir = join(target, UNCERTAIN_PARTITION);
  if (!existsSync(dir)) return byPath;
  const rows = await db.all<{ path: string; idx: number }>(uncertainRecordsSql(dir));
  for (const row of rows) {
    const list = byPath.get(row.path) ?? [];
    list.push(Number(row.idx));
    byPath.set(row.path, list);
  }
  await rm(dir, { recursive: true });
  // The date folder goes too unless real rows of that day sit in it (an account folder is never `uncertain`).
  await rmdir(join(target, UNCERTAIN_PARTITION.split('/')[0] as string)).catch(() => undefined);
  return byPath;
}

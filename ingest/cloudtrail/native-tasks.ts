/**
 * In a worker: collects the object tasks DuckDB can read whole (native-eligibility.ts) into groups
 * of one batch, writes each group with one statement (native-batch.ts), and answers every task of
 * the group with the same result the JS path (object-task.ts) would have given. Records or objects
 * the statement left over run through the JS path, their rows going to the worker's row store.
 *
 * A group is written when it is full, when a task of another batch arrives, when the batch is
 * finished, or when no task has arrived for a moment (the worker calls `flush`).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type NativeItem, writeNativeGroup } from './native-batch.js';
import { examineForNative } from './native-eligibility.js';
import { type ObjectTask, type ObjectTaskResult, runObjectTask } from './object-task.js';
import type { RowStore } from './row-store.js';

/**
 * A group's size. DuckDB parses every object of a group at once (one row an object, 2,048 rows a
 * chunk), so memory grows with the group's bytes; each statement also costs ~20 ms and a file per
 * partition it touches, so small groups cost CPU (48 objects: ~+50%, bench/RESULTS.md).
 */
export const NATIVE_GROUP_FILES = 128;
const NATIVE_GROUP_TEXT_BYTES = 24 * 1024 * 1024;

export type TaskReply = { ok: true; result: ObjectTaskResult } | { ok: false; id: number; message: string };

interface Pending {
  readonly task: ObjectTask;
  readonly bytes: Uint8Array;
  /** True when the object came as bytes (S3) and was written to a file for DuckDB: deleted after the group. */
  readonly staged: boolean;
}

export class NativeTasks {
  private group: NativeItem<Pending>[] = [];
  private groupBytes = 0;
  private attempts = 0;

  /**
   * `stagingDir`: where objects that came as bytes (S3) are written for DuckDB to read, gzip as
   * delivered (~0.1 ms an object against the ~2 ms the native path saves on it).
   */
  constructor(
    private readonly store: RowStore,
    private readonly workerId: number,
    private readonly stagingDir: string,
    private readonly reply: (message: TaskReply) => void,
  ) {}

  get size(): number {
    return this.group.length;
  }

  /** Takes the task into the current group when DuckDB may read the object whole; false: run the JS path. */
  async offer(task: ObjectTask, bytes: Uint8Array): Promise<boolean> {
    const candidate = examineForNative(bytes, { hash: task.hash });
    if (candidate === null) return false;
    const first = this.group[0];
    if (first && first.tag.task.batch !== task.batch) await this.flush();
    const staged = task.path === undefined;
    let path = task.path as string;
    if (staged) {
      await mkdir(this.stagingDir, { recursive: true });
      path = join(this.stagingDir, `${task.id}.json.gz`);
      await writeFile(path, bytes);
    }
    this.group.push({
      object: {
        path,
        sourceObject: task.origin.sourceObject,
        deliveredAt: task.origin.deliveredAt,
        keyAccountId: task.origin.keyAccountId,
      },
      candidate,
      tag: { task, bytes, staged },
    });
    this.groupBytes += candidate.textBytes;
    if (this.group.length >= NATIVE_GROUP_FILES || this.groupBytes >= NATIVE_GROUP_TEXT_BYTES) await this.flush();
    return true;
  }

  /** Writes the current group and answers its tasks. */
  async flush(): Promise<void> {
    const items = this.group;
    if (items.length === 0) return;
    this.group = [];
    this.groupBytes = 0;
    const outputDir = (items[0] as NativeItem<Pending>).tag.task.outputDir;
    const answered = new Set<number>();
    try {
      const outcomes = await writeNativeGroup({
        db: this.store.database,
        items,
        memoryLimit: this.store.memoryLimit,
        nextTarget: () => join(outputDir, `n${this.workerId}-${this.attempts++}`),
      });
      for (const outcome of outcomes) {
        const { task, bytes } = outcome.item.tag;
        let result: ObjectTaskResult;
        if (outcome.kind === 'whole') result = await runObjectTask(task, this.store, Promise.resolve(bytes));
        else if (outcome.uncertain.length === 0) result = nativeResult(task, bytes, outcome.item);
        else {
          const rest = await runObjectTask(task, this.store, Promise.resolve(bytes), new Set(outcome.uncertain));
          result = { ...rest, native: true };
        }
        await this.store.settle(task.batch);
        answered.add(task.id);
        this.reply({ ok: true, result });
      }
    } catch (error) {
      const message = (error as Error).stack ?? String(error);
      for (const item of items) if (!answered.has(item.tag.task.id)) this.reply({ ok: false, id: item.tag.task.id, message });
    } finally {
      for (const item of items) if (item.tag.staged) await rm(item.object.path, { force: true });
    }
  }
}

/** What runObjectTask returns for an object all of whose records became rows. */
function nativeResult(task: ObjectTask, bytes: Uint8Array, item: NativeItem<Pending>): ObjectTaskResult {
  return {
    id: task.id,
    records: item.candidate.records,
    rows: item.candidate.records,
    quarantinedRecords: [],
    objectProblem: null,
    sha256: item.candidate.sha256,
    bytesRead: bytes.byteLength,
    native: true,
  };
}

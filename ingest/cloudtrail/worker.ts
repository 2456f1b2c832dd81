/**
 * Worker thread: runs object tasks sent by the pool, handing rows to its own DuckDB (row-store.ts),
 * and posts each result back. Objects DuckDB can read whole are collected and written a group at a
 * time by one DuckDB statement (native-tasks.ts); the others take the JS path (object-task.ts).
 * A `finish-batch` message makes it write the batch's rows as partitioned Parquet (the pool sends
 * it once every task of the batch has been answered).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { NativeTasks, type TaskReply } from './native-tasks.js';
import { type ObjectTask, runObjectTask } from './object-task.js';
import { RowStore, type RowStoreOptions } from './row-store.js';

if (!parentPort) throw new Error('ingest/cloudtrail/worker.ts must run in a worker thread');
const port = parentPort;
export interface WorkerOptions extends RowStoreOptions {
  /** False: every object takes the JS path (tests compare the two; an escape hatch). */
  readonly native: boolean;
}

const options = workerData as WorkerOptions;
const store = RowStore.open(options);
// Reported with the first message that needs the store, not as an unhandled rejection.
store.catch(() => undefined);
let native: NativeTasks | undefined;

export type ControlMessage =
  | { readonly type: 'finish-batch'; readonly id: number; readonly batch: number }
  /** Closes DuckDB once every queued message is handled (terminating a worker mid-query aborts the process). */
  | { readonly type: 'close'; readonly id: number };

/** A group still open after this long without a new task is written (the main thread waits for its answers). */
const IDLE_FLUSH_MS = 5;

// Messages are handled one at a time, in order: a batch is finished only after its tasks. A local
// file is read as soon as its task arrives, so reading overlaps the work on the tasks before it.
let queue: Promise<void> = Promise.resolve();
let waiting = 0;
let idleTimer: NodeJS.Timeout | undefined;
port.on('message', (message: ObjectTask | ControlMessage) => {
  const reading = 'type' in message || message.bytes || !message.path ? undefined : readFile(message.path);
  reading?.catch(() => undefined);
  waiting++;
  if (idleTimer) clearTimeout(idleTimer);
  queue = queue.then(() => handle(message, reading)).finally(afterMessage);
});

function afterMessage(): void {
  waiting--;
  if (waiting > 0 || !native || native.size === 0) return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (waiting === 0) queue = queue.then(() => native?.flush());
  }, IDLE_FLUSH_MS);
}

async function handle(message: ObjectTask | ControlMessage, reading?: Promise<Uint8Array>): Promise<void> {
  try {
    const rows = await store;
    native ??= new NativeTasks(rows, options.workerId, join(options.tempDir, 'native-input'), (reply: TaskReply) =>
      port.postMessage(reply),
    );
    if ('type' in message) {
      // A group still open belongs to the batch being finished (or to the last one, on close).
      await native.flush();
      if (message.type === 'close') rows.close();
      const written = message.type === 'close' ? 0 : await rows.finish(message.batch);
      port.postMessage({ ok: true, control: true, id: message.id, written });
      return;
    }
    const bytes = message.bytes ?? (reading ? await reading.catch(() => undefined) : undefined);
    if (bytes && options.native && (await native.offer(message, bytes))) return;
    const result = await runObjectTask(message, rows, reading);
    await rows.settle(message.batch);
    port.postMessage({ ok: true, result });
  } catch (error) {
    port.postMessage({ ok: false, id: message.id, message: (error as Error).stack ?? String(error) });
  }
}

/**
 * Worker thread: runs object tasks sent by the pool, handing rows to its own DuckDB (row-store.ts),
 * and posts each result back. A `finish-batch` message makes it write the batch's rows as
 * partitioned Parquet (the pool sends it once every task of the batch has been answered).
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { type ObjectTask, runObjectTask } from './object-task.js';
import { RowStore, type RowStoreOptions } from './row-store.js';

if (!parentPort) throw new Error('ingest/cloudtrail/worker.ts must run in a worker thread');
const port = parentPort;
const store = RowStore.open(workerData as RowStoreOptions);
// Reported with the first message that needs the store, not as an unhandled rejection.
store.catch(() => undefined);

export type ControlMessage =
  | { readonly type: 'finish-batch'; readonly id: number; readonly batch: number }
  /** Closes DuckDB once every queued message is handled (terminating a worker mid-query aborts the process). */
  | { readonly type: 'close'; readonly id: number };

// Messages are handled one at a time, in order: a batch is finished only after its tasks. A local
// file is read as soon as its task arrives, so reading overlaps the work on the tasks before it.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ObjectTask | ControlMessage) => {
  const reading = 'type' in message || message.bytes || !message.path ? undefined : readFile(message.path);
  reading?.catch(() => undefined);
  queue = queue.then(() => handle(message, reading));
});

async function handle(message: ObjectTask | ControlMessage, reading?: Promise<Uint8Array>): Promise<void> {
  try {
    const rows = await store;
    if ('type' in message && message.type === 'close') {
      rows.close();
      port.postMessage({ ok: true, control: true, id: message.id, written: 0 });
      return;
    }
    if ('type' in message) {
      const written = await rows.finish(message.batch);
      port.postMessage({ ok: true, control: true, id: message.id, written });
      return;
    }
    const result = await runObjectTask(message, rows, reading);
    await rows.settle(message.batch);
    port.postMessage({ ok: true, result });
  } catch (error) {
    port.postMessage({ ok: false, id: message.id, message: (error as Error).stack ?? String(error) });
  }
}

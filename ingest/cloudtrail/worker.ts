/**
 * Worker thread: runs object tasks sent by the pool, appending rows to the batch's spool file, and
 * posts each result back. A `close-spools` message closes its files (the pool sends it before
 * DuckDB reads a batch).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { type ObjectTask, runObjectTask } from './object-task.js';

if (!parentPort) throw new Error('ingest/cloudtrail/worker.ts must run in a worker thread');
const port = parentPort;
const spools = new Map<string, number>();

function writeSpool(path: string, data: string | Buffer): void {
  let fd = spools.get(path);
  if (fd === undefined) {
    // A new batch: the previous batch's files are complete (a late write would simply reopen one).
    const batchDir = path.slice(0, path.lastIndexOf('/'));
    for (const [open, openFd] of spools) {
      if (!open.startsWith(batchDir)) {
        closeSync(openFd);
        spools.delete(open);
      }
    }
    fd = openSync(path, 'a');
    spools.set(path, fd);
  }
  if (typeof data === 'string') writeSync(fd, data);
  else writeSync(fd, data);
}

function closeSpools(): void {
  for (const fd of spools.values()) closeSync(fd);
  spools.clear();
}

port.on('message', async (message: ObjectTask | { type: 'close-spools'; id: number }) => {
  if ('type' in message) {
    try {
      closeSpools();
      port.postMessage({ ok: true, control: true, id: message.id });
    } catch (error) {
      port.postMessage({ ok: false, id: message.id, message: (error as Error).stack ?? String(error) });
    }
    return;
  }
  try {
    port.postMessage({ ok: true, result: await runObjectTask(message, writeSpool) });
  } catch (error) {
    port.postMessage({ ok: false, id: message.id, message: (error as Error).stack ?? String(error) });
  }
});

/**
 * A fixed pool of worker threads that run object tasks (a group of whole objects read by the
 * worker's own DuckDB, or gunzip + JSON.parse + normalise + append in JS) and write each batch's
 * Parquet, so that parsing and writing use every core. The caller keeps more than a native group
 * of tasks a worker in flight (ingest-trail.ts), so a worker never waits for the main thread.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { CollectorError } from '../../lib/errors.js';
import type { ObjectTask, ObjectTaskResult } from './object-task.js';
import type { WorkerOptions } from './worker.js';

const BOOTSTRAP = new URL('./worker-bootstrap.js', import.meta.url);
const CLOSE_GRACE_MS = 10_000;
const YOUNG_GENERATION_MB = 32;

interface Pending {
  resolve(result: ObjectTaskResult): void;
  reject(error: Error): void;
  worker: number;
}

type WorkerReply =
  | { ok: true; result: ObjectTaskResult }
  | { ok: true; control: true; id: number; written: number }
  | { ok: false; id: number; message: string };

export interface WorkerPoolOptions {
  /** Each worker's DuckDB spills under `<tempDir>/w<n>`. */
  readonly tempDir: string;
  /** Each worker's DuckDB memory limit. */
  readonly memoryLimit: string;
  /** Rows of one batch a worker holds before it writes them out early. */
  readonly maxRows: number;
  /** False: no object takes the native path (native-tasks.ts). */
  readonly native: boolean;
}

export interface WorkerPool {
  readonly size: number;
  /** Tasks sent and not yet answered. */
  readonly inFlight: number;
  /** Runs a task on the least-loaded worker; its rows go to the worker's table of `task.batch`. */
  run(task: ObjectTask): Promise<ObjectTaskResult>;
  /** Makes every worker write the batch's rows (call once its tasks are answered); returns the rows written. */
  finishBatch(batch: number): Promise<number>;
  close(): Promise<void>;
}

export function createWorkerPool(size: number, options: WorkerPoolOptions): WorkerPool {
  const workers: Worker[] = [];
  const load: number[] = [];
  const pending = new Map<number, Pending>();
  const controls = new Map<number, { resolve(written: number): void; reject(error: Error): void }>();
  let nextControlId = -1;
  let failure: Error | undefined;
  let closed = false;

  for (let index = 0; index < size; index++) {
    const worker = new Worker(BOOTSTRAP, {
      workerData: {
        workerId: index,
        tempDir: join(options.tempDir, `w${index}`),
        memoryLimit: options.memoryLimit,
        maxRows: options.maxRows,
        native: options.native,
      } satisfies WorkerOptions,
      // A larger young generation: parsing allocates a lot of short-lived objects (fewer scavenges, measured ~10%).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    worker.on('message', (reply: WorkerReply) => {
      const id = reply.ok ? ('control' in reply ? reply.id : reply.result.id) : reply.id;
      const control = controls.get(id);
      if (control) {
        controls.delete(id);
        if (reply.ok) control.resolve('written' in reply ? reply.written : 0);
        else control.reject(new CollectorError(`a CloudTrail worker failed: ${reply.message}`));
        return;
      }
      const waiting = pending.get(id);
      if (!waiting) return;
      pending.delete(id);
      load[waiting.worker] = (load[waiting.worker] ?? 1) - 1;
      if (reply.ok) {
        if ('result' in reply) waiting.resolve(reply.result);
        return;
      }
      waiting.reject(new CollectorError(`a CloudTrail worker failed: ${reply.message}`, { context: { source: 'cloudtrail' } }));
    });
    worker.on('error', (error) => failAll(error));
    worker.on('exit', (code) => {
      if (code !== 0 && !closed) failAll(new Error(`worker exited with code ${code}`));
    });
    workers.push(worker);
    load.push(0);
  }

  function control(worker: Worker, message: { type: 'finish-batch'; batch: number } | { type: 'close' }): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const id = nextControlId--;
      controls.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  function failAll(cause: Error): void {
    failure = new CollectorError('a CloudTrail worker thread stopped', { cause, context: { source: 'cloudtrail' } });
    for (const waiting of pending.values()) waiting.reject(failure);
    for (const waiting of controls.values()) waiting.reject(failure);
    pending.clear();
    controls.clear();
  }

  return {
    size,
    get inFlight() {
      return pending.size;
    },
    run(task) {
      if (failure) return Promise.reject(failure);
      // The least-loaded worker: objects vary in size, so round-robin would leave one idle.
      let chosen = 0;
      for (let index = 1; index < workers.length; index++) if ((load[index] ?? 0) < (load[chosen] ?? 0)) chosen = index;
      load[chosen] = (load[chosen] ?? 0) + 1;
      return new Promise<ObjectTaskResult>((resolve, reject) => {
        pending.set(task.id, { resolve, reject, worker: chosen });
        // Transfer the bytes instead of copying them, unless they share a buffer with other data (Buffer's pool).
        const bytes = task.bytes;
        const ownsBuffer = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        const transfer = ownsBuffer ? [bytes.buffer as ArrayBuffer] : [];
        (workers[chosen] as Worker).postMessage(task, transfer);
      });
    },
    async finishBatch(batch) {
      if (failure) throw failure;
      const written = await Promise.all(workers.map((worker) => control(worker, { type: 'finish-batch', batch })));
      return written.reduce((sum, rows) => sum + rows, 0);
    },
    async close() {
      // Let each worker finish what it is doing and close its DuckDB first: terminating a thread
      // while DuckDB works for it aborts the whole process. A stuck worker is terminated after a while.
      if (!failure)
        await Promise.race([
          Promise.all(workers.map((worker) => control(worker, { type: 'close' }))),
          delay(CLOSE_GRACE_MS, undefined, { ref: false }),
        ]).catch(() => undefined);
      closed = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

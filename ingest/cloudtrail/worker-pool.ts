/**
 * A fixed pool of worker threads that run object tasks (gunzip + JSON.parse + normalise) so that
 * parsing uses every core while the main thread feeds DuckDB. Each worker keeps a few tasks in
 * flight so it never waits for the main thread between objects.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CollectorError } from '../../lib/errors.js';
import type { ObjectTask, ObjectTaskResult } from './object-task.js';

const BOOTSTRAP = new URL('./worker-bootstrap.js', import.meta.url);

interface Pending {
  resolve(result: ObjectTaskResult): void;
  reject(error: Error): void;
  worker: number;
}

type WorkerReply =
  | { ok: true; result: ObjectTaskResult }
  | { ok: true; control: true; id: number }
  | { ok: false; id: number; message: string };

/** A task as the caller gives it: the pool picks the worker, and with it the spool file. */
export type PoolTask = Omit<ObjectTask, 'spoolPath'>;

export interface WorkerPool {
  readonly size: number;
  /** Tasks sent and not yet answered. */
  readonly inFlight: number;
  /** Runs a task on the least-loaded worker; rows go to `<spoolDir>/worker-<n>.ndjson`. */
  run(task: PoolTask, spoolDir: string): Promise<ObjectTaskResult>;
  /** Waits for every worker to close its spool files (call once no task is in flight). */
  closeSpools(): Promise<void>;
  close(): Promise<void>;
}

export function createWorkerPool(size: number): WorkerPool {
  const workers: Worker[] = [];
  const load: number[] = [];
  const pending = new Map<number, Pending>();
  const controls = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextControlId = -1;
  let failure: Error | undefined;
  let closed = false;

  for (let index = 0; index < size; index++) {
    const worker = new Worker(BOOTSTRAP);
    worker.on('message', (reply: WorkerReply) => {
      const id = reply.ok ? ('control' in reply ? reply.id : reply.result.id) : reply.id;
      const control = controls.get(id);
      if (control) {
        controls.delete(id);
        if (reply.ok) control.resolve();
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
    run(poolTask, spoolDir) {
      if (failure) return Promise.reject(failure);
      // The least-loaded worker: objects vary in size, so round-robin would leave one idle.
      let chosen = 0;
      for (let index = 1; index < workers.length; index++) if ((load[index] ?? 0) < (load[chosen] ?? 0)) chosen = index;
      load[chosen] = (load[chosen] ?? 0) + 1;
      const task: ObjectTask = { ...poolTask, spoolPath: join(spoolDir, `worker-${chosen}.ndjson`) };
      return new Promise<ObjectTaskResult>((resolve, reject) => {
        pending.set(task.id, { resolve, reject, worker: chosen });
        // Transfer the bytes instead of copying them, unless they share a buffer with other data (Buffer's pool).
        const bytes = task.bytes;
        const ownsBuffer = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        const transfer = ownsBuffer ? [bytes.buffer as ArrayBuffer] : [];
        (workers[chosen] as Worker).postMessage(task, transfer);
      });
    },
    async closeSpools() {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              const id = nextControlId--;
              controls.set(id, { resolve, reject });
              worker.postMessage({ type: 'close-spools', id });
            }),
        ),
      );
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

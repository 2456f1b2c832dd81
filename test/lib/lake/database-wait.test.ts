import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../lib/errors.js';
import { openDatabaseWhenFree } from '../../../lib/lake/database-wait.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { LakeLockedError } from '../../../lib/lake/lock.js';
import { createMemoryLogger } from '../../../lib/log.js';

const ROOT = join(import.meta.dirname, '../../..');

/** Another process that opens `path` for writing, says so, and closes it after `holdMs`. */
async function holdOpen(path: string, holdMs: number) {
  const script = `
    import { DuckDBInstance } from '@duckdb/node-api';
    const instance = await DuckDBInstance.create(${JSON.stringify(path)});
    process.stdout.write('open\\n');
    setTimeout(() => { instance.closeSync(); process.exit(0); }, ${holdMs});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('open')) resolve();
    });
    child.on('exit', () => reject(new Error('the holder ended before opening the database')));
  });
  return child;
}

async function databaseFile(): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'mw-dbwait-')), 'meshwatch.duckdb');
  (await openDatabase(path)).close();
  return path;
}

describe('openDatabaseWhenFree', () => {
  it('waits, saying once for which pid, while another process has the file open, then opens it', async () => {
    const path = await databaseFile();
    const holder = await holdOpen(path, 4_000);
    const logger = createMemoryLogger('normal');
    const started = Date.now();
    const db = await openDatabaseWhenFree(path, { readOnly: true }, {}, logger);
    try {
      expect(Date.now() - started).toBeGreaterThan(200);
      expect(await db.all('select 42 as n')).toEqual([{ n: 42 }]);
    } finally {
      db.close();
    }
    expect(logger.lines).toEqual([`waiting for pid ${holder.pid} to close ${path}…`]);
  });

  it('with wait: false fails at once with exit code 1, naming the pid that holds it', async () => {
    const path = await databaseFile();
    const holder = await holdOpen(path, 5_000);
    try {
      const failure = await openDatabaseWhenFree(path, {}, { wait: false }, createMemoryLogger()).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(LakeLockedError);
      expect((failure as Error).message).toBe(`${path} is open in pid ${holder.pid} and --no-wait was given`);
      expect(exitCodeFor(failure)).toBe(1);
    } finally {
      holder.kill();
    }
  });

  it('gives up after timeoutMs', async () => {
    const path = await databaseFile();
    const holder = await holdOpen(path, 10_000);
    try {
      const failure = await openDatabaseWhenFree(path, {}, { timeoutMs: 500 }, createMemoryLogger()).catch(
        (error: unknown) => error,
      );
      expect((failure as Error).message).toContain('was not closed within --lock-timeout');
    } finally {
      holder.kill();
    }
  });
});

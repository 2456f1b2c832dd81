/**
 * Output that never hangs or lies (issue #18 §4), as a user meets it: `meshwatch sql … --out` and a
 * pipe into `head`, run through cli/bin/meshwatch.js over a small lake.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../lib/lake/atomic.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'cli/bin/meshwatch.js');

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command with a deadline: a hang shows as a test failure, not a test that never ends. */
function run(file: string, args: readonly string[], options: { uid?: number; gid?: number } = {}): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, NO_COLOR: '1' }, ...options },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

describe('--out and stdout', () => {
  let dir: string;
  let lake: string;
  const sql = (...args: string[]) => run(process.execPath, [BIN, '--lake', lake, 'sql', ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mw-output-'));
    lake = join(dir, 'lake');
    await mkdir(lake);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the format from the --out extension, whether or not a terminal is attached', async () => {
    const csv = await sql("select 1 as x, 'a,b' as y", '--out', join(dir, 'x.csv'));
    const json = await sql('select 1 as x', '--out', join(dir, 'x.json'));
    const table = await sql('select 1 as x', '--out', join(dir, 'x.txt'));

    expect([csv.code, json.code, table.code]).toEqual([0, 0, 0]);
    expect(await readFile(join(dir, 'x.csv'), 'utf8')).toBe('x,y\r\n1,"a,b"\r\n');
    expect(JSON.parse(await readFile(join(dir, 'x.json'), 'utf8'))).toEqual([{ x: 1 }]);
    expect(await readFile(join(dir, 'x.txt'), 'utf8')).toMatch(/^x\n─\n1\n$/);
  });

  it('keeps an explicit --format, and refuses an extension it cannot read without one', async () => {
    expect((await sql('select 1 as x', '--format', 'json', '--out', join(dir, 'forced.csv'))).code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'forced.csv'), 'utf8'))).toEqual([{ x: 1 }]);

    const unknown = await sql('select 1 as x', '--out', join(dir, 'x.dat'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`cannot tell the format of ${join(dir, 'x.dat')}`);
    expect(await pathExists(join(dir, 'x.dat'))).toBe(false);
  });

  it('refuses a missing folder, naming it, and creates none', async () => {
    const missing = join(dir, 'nonexistent-dir');
    const result = await sql('select 1 as x', '--out', join(missing, 'x.csv'));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the folder ${missing} does not exist`);
    expect(await pathExists(missing)).toBe(false);
  });

  it('answers at once for a /proc path instead of hanging', async () => {
    for (const out of ['/proc/nope/x.csv', '/proc/self/x.csv']) {
      const result = await sql('select 1 as x', '--out', out);
      expect(result.code, out).toBe(2);
      expect(result.stderr, out).toContain(`cannot write ${out}`);
      expect(result.ms, out).toBeLessThan(20_000);
    }
  });

  it('refuses a target that is not a regular file (a pipe, a device, a folder)', async () => {
    const fifo = join(dir, 'fifo.csv');
    await run('mkfifo', [fifo]);
    const folder = join(dir, 'folder.csv');
    await mkdir(folder);
    for (const out of [fifo, folder, '/dev/null']) {
      const result = await sql('select 1 as x', '--format', 'csv', '--out', out);
      expect(result.code, out).toBe(2);
      expect(result.stderr, out).toMatch(/not a regular file|system folder/);
      expect(result.ms, out).toBeLessThan(20_000);
    }
  });

  it('names the target, not a temporary file, when the folder cannot be written, and leaves no file behind', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    const target = join(locked, 'x.csv');
    await writeFile(target, 'before\n');
    await chmod(dir, 0o755);
    await chmod(lake, 0o755);
    // root writes anywhere, so the command runs as nobody into a folder only root may write.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chmod(locked, 0o755);
    else await chmod(locked, 0o555);
    const result = await run(
      process.execPath,
      [BIN, '--lake', lake, 'sql', 'select 1 as x', '--out', target],
      asRoot ? { uid: 65534, gid: 65534 } : {},
    );

    expect(result.stderr).toContain(`cannot write ${target}: permission denied`);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/\.tmp\b/);
    expect(await readFile(target, 'utf8')).toBe('before\n');
    expect(await readdir(locked)).toEqual(['x.csv']);
    // Owner-only again: a lake open to others gets a warning on every later command.
    await chmod(lake, 0o700);
    await chmod(dir, 0o700);
  });

  it('replaces an existing file whole', async () => {
    const target = join(dir, 'replace.csv');
    await writeFile(target, 'old contents that are longer than the new ones\n');
    expect((await sql('select 2 as y', '--out', target)).code).toBe(0);
    expect(await readFile(target, 'utf8')).toBe('y\r\n2\r\n');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('ends quietly with exit 0 when the reader closes the pipe early (| head -1)', async () => {
    // 300k rows (~2 MB) is far more than a pipe holds, so writes go on after head has gone.
    const command = `"${process.execPath}" "${BIN}" --lake "${lake}" sql "select * from range(300000)" --format csv | head -1`;
    const result = await run('bash', ['-o', 'pipefail', '-c', command]);

    expect(result.stdout).toBe('range\r\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

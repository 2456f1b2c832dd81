/**
 * Where command output goes: stdout, or a file with --out. A file is written whole or not at all
 * (a temporary file beside it, renamed into place), only into a folder that exists (a typo in
 * --out must not create folders), and only as a regular file: a device, pipe or /proc entry can
 * block an open() forever or swallow the output. Errors name the --out path, never the temporary.
 * A reader that closes stdout early (`| head -1`) ends the output quietly instead of with EPIPE.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { MeshwatchError, UsageError } from '../errors.js';

/** Writes command output to stdout, or atomically to the file `out`. */
export async function writeOutput(text: string, out?: string): Promise<void> {
  if (out !== undefined) await writeOutputFile(out, text);
  else await writeStdout(text);
}

/** Pseudo-filesystems whose entries are not places for a report. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/** Codes that mean the path given cannot take a file: the user's to fix (exit 2), not a run-time failure. */
const PATH_MISTAKES = new Set(['EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'ENOENT', 'ENAMETOOLONG', 'ELOOP', 'EXDEV']);

export async function writeOutputFile(out: string, text: string): Promise<void> {
  const target = await outputTarget(out);
  // A short name of its own: one built from the target's could pass the 255-byte limit the target keeps.
  const temporary = join(dirname(target), `.meshwatch-out-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    // 'wx': a fresh file, never an existing name (nor what a planted symlink points at).
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw writeFailure(out, cause, temporary, target);
  }
}

/** The file to write for `out`: checked before anything is created; a symlink is written through. */
async function outputTarget(out: string): Promise<string> {
  if (out.trim() === '') throw new UsageError('--out needs a file name', { hint: 'e.g. --out report.csv' });
  if (out.endsWith('/') || out.endsWith(sep)) {
    throw new UsageError(`cannot write ${out}: it names a folder`, {
      context: { file: out },
      hint: 'name a file, e.g. --out report.csv',
    });
  }
  const path = resolve(out);
  refuseSystemFolder(out, path);
  const parent = dirname(path);
  const folder = await statOrUndefined(parent, out);
  if (folder === undefined) {
    throw new UsageError(`cannot write ${out}: the folder ${parent} does not exist`, {
      context: { file: out },
      hint: 'create the folder first, or choose another --out (meshwatch creates no folder for it)',
    });
  }
  if (!folder.isDirectory()) {
    throw new UsageError(`cannot write ${out}: ${parent} is not a folder`, { context: { file: out } });
  }
  const link = await lstatOrUndefined(path, out);
  const target = link?.isSymbolicLink() ? await realpath(path).catch(() => path) : join(await realpath(parent), basename(path));
  refuseSystemFolder(out, target);
  const existing = await statOrUndefined(target, out);
  if (existing !== undefined && !existing.isFile()) {
    throw new UsageError(`cannot write ${out}: it exists and is not a regular file (a folder, device, pipe or socket)`, {
      context: { file: out },
      hint: 'choose another --out, or leave it out to print to stdout (and redirect that)',
    });
  }
  return target;
}

/** Checked on the path as given and on where it leads (`/proc/self/…`, a symlinked folder). */
function refuseSystemFolder(out: string, path: string): void {
  if (SYSTEM_FOLDERS.some((folder) => path === folder || path.startsWith(`${folder}/`))) {
    throw new UsageError(`cannot write ${out}: ${dirname(path)} is a system folder, not a place for output`, {
      context: { file: out },
      hint: 'choose a file in an ordinary folder, or leave out --out to print to stdout',
    });
  }
}

async function statOrUndefined(path: string, out: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw writeFailure(out, error);
  }
}

async function lstatOrUndefined(path: string, out: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw writeFailure(out, error);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The error for `out`; the system message names the temporary file, so it is replaced by the target. */
function writeFailure(out: string, error: unknown, temporary?: string, target?: string): MeshwatchError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  const raw = error instanceof Error ? error.message : String(error);
  const detail = temporary && target ? raw.replaceAll(temporary, target) : raw;
  const options = { cause: new Error(detail), context: { file: out, code } };
  const message = `cannot write ${out}: ${reasonFor(code)}`;
  return PATH_MISTAKES.has(code)
    ? new UsageError(message, { ...options, hint: 'choose a file you may write, or leave out --out to print to stdout' })
    : new MeshwatchError(message, options);
}

function reasonFor(code: string): string {
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    EISDIR: 'it is a folder',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENAMETOOLONG: 'the name is too long',
  };
  return reasons[code] ?? `the system said ${code}`;
}

let stdoutGuarded = false;

/**
 * Writes to stdout and waits for it. Every write reports its own error through its callback; the
 * stream's 'error' event is listened to only so that it is not an uncaught exception: EPIPE (the
 * reader has gone, as with `| head -1`) ends the output quietly and the command exits 0.
 */
function writeStdout(text: string): Promise<void> {
  if (!stdoutGuarded) {
    process.stdout.on('error', () => {});
    stdoutGuarded = true;
  }
  if (process.stdout.destroyed) return Promise.resolve();
  return new Promise((done, fail) => {
    process.stdout.write(text, (error) => {
      if (!error || (error as NodeJS.ErrnoException).code === 'EPIPE') done();
      else fail(new MeshwatchError(`cannot write to standard output: ${error.message}`, { cause: error }));
    });
  });
}

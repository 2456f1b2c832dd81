/**
 * Atomic writes: everything is written under a temporary name on the same filesystem and renamed
 * into place, so a crash never leaves half a file where a reader (DuckDB, a dashboard) picks it up.
 * Files are created 0600 and folders 0700 (0640 / 0750 when the group may read; file-modes.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { dirMode, fileMode } from './file-modes.js';

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes a file atomically and durably (fsync before rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: dirMode() });
  const temporary = temporaryName(path);
  const handle = await open(temporary, 'w', fileMode());
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Creates a fresh staging folder under `<lake>/_tmp` for a multi-file write. */
export async function createStagingDir(tmpRoot: string, label: string): Promise<string> {
  const dir = join(tmpRoot, `${label}-${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: dirMode() });
  return dir;
}

/**
 * Moves every file under `stagingDir` to the same relative path under `targetDir`, one rename each
 * (atomic per file), then removes the staging folder. Returns the relative paths moved.
 */
export async function publishStagedFiles(stagingDir: string, targetDir: string): Promise<string[]> {
  const files = await listFiles(stagingDir);
  for (const file of files) {
    const destination = join(targetDir, relative(stagingDir, file));
    await mkdir(dirname(destination), { recursive: true, mode: dirMode() });
    await rename(file, destination);
  }
  await rm(stagingDir, { recursive: true, force: true });
  return files.map((file) => relative(stagingDir, file));
}

/** Every file below `dir` (recursively), sorted; an absent folder has none. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

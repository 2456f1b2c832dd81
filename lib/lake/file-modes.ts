/**
 * File modes of everything meshwatch writes: the lake, its state, the report bundle (PII access
 * lists), quarantined raw records and the built site. Owner-only by default — files 0600, folders
 * 0700 — or readable by the owner's group (0640 / 0750) with `file_modes.group_readable: true`.
 * Never world-readable (issue 24).
 *
 * Two layers: the CLI sets the process umask (`applyFileModes`), which covers files DuckDB, the
 * Framework build and Node write; and the lake helpers (atomic.ts) pass explicit modes, so a
 * program using the library without the CLI's umask gets the same modes for what they create.
 */
import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

let groupReadable = false;

/** The process-wide choice (set once from the configuration by the CLI). */
export function setGroupReadable(value: boolean): void {
  groupReadable = value;
}

export function isGroupReadable(): boolean {
  return groupReadable;
}

/** Mode for a new file: 0600, or 0640 when the group may read. */
export function fileMode(): number {
  return groupReadable ? 0o640 : 0o600;
}

/** Mode for a new folder: 0700, or 0750 when the group may read. */
export function dirMode(): number {
  return groupReadable ? 0o750 : 0o700;
}

/** Bits never granted: group and other (0o077), or group write and other (0o027). */
export function forbiddenBits(): number {
  return groupReadable ? 0o027 : 0o077;
}

/** The umask that gives these modes to every file the process (and its children) create. */
export function umaskFor(readableByGroup: boolean): number {
  return readableByGroup ? 0o027 : 0o077;
}

/** Sets the process umask and the helpers' modes from `file_modes.group_readable`. */
export function applyFileModes(readableByGroup: boolean): void {
  setGroupReadable(readableByGroup);
  process.umask(umaskFor(readableByGroup));
}

/**
 * Removes the forbidden bits from `dir` and everything below it (symlinks left alone): for trees
 * copied from elsewhere — Framework's build copies assets with their source modes, which a umask
 * does not narrow.
 */
export async function restrictModes(dir: string): Promise<void> {
  const info = await lstat(dir);
  if (info.isSymbolicLink()) return;
  if ((info.mode & forbiddenBits()) !== 0) await chmod(dir, info.mode & 0o7777 & ~forbiddenBits());
  if (!info.isDirectory()) return;
  for (const entry of await readdir(dir)) await restrictModes(join(dir, entry));
}

/**
 * The mode (e.g. `0755`) of an existing lake folder that others may read, else null. Not changed
 * here — the folder may be one the user chose to share, or `.` — but reported, so what an older
 * meshwatch (or a hand-made folder) left open is noticed.
 */
export async function wideLakeRootMode(root: string): Promise<string | null> {
  const info = await lstat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!info?.isDirectory() || (info.mode & forbiddenBits()) === 0) return null;
  return `0${(info.mode & 0o777).toString(8)}`;
}

/**
 * Paths built from outside data (S3 object keys, account ids, partition values, file names found
 * in a folder) stay under their root. `resolveUnder` refuses what could step out — an absolute
 * segment, `..`, an empty segment, NUL or a control character, a backslash (a separator on
 * Windows) — and anything that still resolves outside the root, also through a symlink whose
 * target exists. The reason travels in a typed error, so a collector can quarantine the input
 * with it and a command can explain a bad configuration.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { LakeError, type MeshwatchErrorOptions } from '../errors.js';

export type UnsafePathReason =
  | 'absolute'
  | 'parent-segment'
  | 'dot-segment'
  | 'empty-segment'
  | 'control-character'
  | 'backslash'
  | 'separator'
  | 'too-long'
  | 'outside-root'
  | 'symlink-outside-root'
  | 'invalid-value';

/** A path from outside data that would leave its root (or a value that must not become a path). */
export class UnsafePathError extends LakeError {
  constructor(
    message: string,
    readonly reason: UnsafePathReason,
    options: MeshwatchErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** Longest segment most file systems accept (bytes). */
const MAX_SEGMENT_BYTES = 255;
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are what this finds.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `segment` cannot be one component of a path, or null when it can. */
export function segmentProblem(segment: string): UnsafePathReason | null {
  if (segment === '') return 'empty-segment';
  if (segment === '..') return 'parent-segment';
  if (segment === '.') return 'dot-segment';
  if (CONTROL.test(segment)) return 'control-character';
  if (segment.includes('\\')) return 'backslash';
  if (segment.includes('/')) return 'separator';
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return 'too-long';
  return null;
}

/** Why the `/`-separated relative path (an object key, a `key=value/...` folder) is unsafe, or null. */
export function relativePathProblem(path: string): UnsafePathReason | null {
  if (path.startsWith('/') || isAbsolute(path)) return 'absolute';
  for (const segment of path.split('/')) {
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return null;
}

const REASON_TEXT: Record<UnsafePathReason, string> = {
  absolute: 'is an absolute path',
  'parent-segment': 'has a ".." segment',
  'dot-segment': 'has a "." segment',
  'empty-segment': 'has an empty segment ("//" or a trailing "/")',
  'control-character': 'holds NUL or a control character',
  backslash: 'holds a backslash',
  separator: 'holds a "/" where one path segment is expected',
  'too-long': `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`,
  'outside-root': 'resolves outside its root',
  'symlink-outside-root': 'leads through a symlink outside its root',
  'invalid-value': 'is not a valid value',
};

/** Human text for a reason, e.g. `has a ".." segment`. */
export function describeReason(reason: UnsafePathReason): string {
  return REASON_TEXT[reason];
}

/**
 * `root` joined with `segments` (each a relative `/`-separated path), refused with an
 * `UnsafePathError` when any part is unsafe or the result is not under `root` — lexically, and
 * again after resolving symlinks of the deepest part that exists.
 */
export function resolveUnder(root: string, ...segments: string[]): string {
  const base = resolve(root);
  for (const segment of segments) {
    const problem = relativePathProblem(segment);
    if (problem) throw unsafe(base, segments, problem);
  }
  const path = resolve(base, ...segments);
  if (!isWithin(base, path)) throw unsafe(base, segments, 'outside-root');
  if (!isWithin(realRoot(base), realpathOfExisting(path))) throw unsafe(base, segments, 'symlink-outside-root');
  return path;
}

/** The reason `resolveUnder` would refuse these segments, or null when it would not. */
export function unsafePathReason(root: string, ...segments: string[]): UnsafePathReason | null {
  try {
    resolveUnder(root, ...segments);
    return null;
  } catch (error) {
    if (error instanceof UnsafePathError) return error.reason;
    throw error;
  }
}

/** True when `path` is `root` or below it (both absolute and normalised). */
export function isWithin(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** A path's real location: the deepest ancestor that exists, symlinks resolved, plus the rest. */
export function realpathOfExisting(path: string): string {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync.native(existing);
      return rest.length === 0 ? real : resolve(real, ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.push(existing.slice(parent.length).replace(/^[/\\]+/, ''));
      existing = parent;
    }
  }
}

function realRoot(root: string): string {
  return realpathOfExisting(root);
}

function unsafe(root: string, segments: readonly string[], reason: UnsafePathReason): UnsafePathError {
  const shown = segments.join('/');
  return new UnsafePathError(`refused path "${printable(shown)}" under ${root}: it ${describeReason(reason)}`, reason, {
    context: { file: root, key: printable(shown), reason },
  });
}

/** NUL and control characters as `\uXXXX`, so a message never carries them to a terminal. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point.
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// --- segments that come from data --------------------------------------------------------------

/** What a value from data must look like before it becomes a path segment. */
export const SEGMENT_PATTERNS = {
  'account id': /^\d{12}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  /** Table, database, dataset and mart names (DuckDB identifiers, Glue names). */
  'table name': /^[A-Za-z_][A-Za-z0-9_]{0,254}$/,
  'rule id': /^[a-z0-9_]{1,128}$/,
  /** Domain names become URL paths of the dashboards. */
  domain: /^[a-z0-9][a-z0-9-]{0,62}$/,
  /** Report bundle files: `<report>.json`, `<report>-<section>.csv`. */
  'bundle file': /^[a-z0-9][a-z0-9-]{0,120}\.(json|csv)$/,
  'day folder': /^\d{4}-\d{2}-\d{2}$/,
} as const satisfies Record<string, RegExp>;

export type SegmentKind = keyof typeof SEGMENT_PATTERNS;

/** `value` when it is a well-formed `kind` (and a safe segment); otherwise an `UnsafePathError`. */
export function assertSegment(kind: SegmentKind, value: string): string {
  const problem = segmentProblem(value);
  if (problem || !SEGMENT_PATTERNS[kind].test(value)) {
    throw new UnsafePathError(
      `invalid ${kind} "${printable(value)}": ${problem ? `it ${describeReason(problem)}` : `must match ${SEGMENT_PATTERNS[kind]}`}`,
      problem ?? 'invalid-value',
      { context: { key: printable(value), reason: problem ?? 'invalid-value' } },
    );
  }
  return value;
}

export function isSegment(kind: SegmentKind, value: string): boolean {
  return segmentProblem(value) === null && SEGMENT_PATTERNS[kind].test(value);
}

/**
 * A file name made from any text (an object key, an input file's relative path): readable
 * characters kept, the rest `_`, never starting with a dot, and a hash of the whole text so two
 * texts that sanitise alike never share a file.
 */
export function safeFileName(text: string, suffix = ''): string {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const readable = text
    .replace(/[^A-Za-z0-9._=-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-120);
  return `${readable ? `${readable}-` : ''}${hash}${suffix}`;
}

// --- folders of input files --------------------------------------------------------------------

export interface FolderListing {
  /** Files below the folder (symlinks inside it followed), sorted. */
  readonly files: string[];
  /** Entries not read, with the reason: symlinks leading out of the folder, or to nothing. */
  readonly refused: { readonly path: string; readonly reason: string }[];
}

/**
 * Every file below `root` (an input folder named in the configuration). A symlink is followed only
 * when its target is inside `root`; one leading elsewhere is refused with the reason, so the caller
 * counts it instead of reading a file the folder does not hold.
 */
export async function listFilesInside(root: string): Promise<FolderListing> {
  const { readdir, stat } = await import('node:fs/promises');
  const base = realpathOfExisting(resolve(root));
  const files: string[] = [];
  const refused: { path: string; reason: string }[] = [];
  const walk = async (dir: string, seen: Set<string>): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = resolve(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = realpathOfExisting(path);
        const info = await stat(path).catch(() => undefined);
        if (!info) {
          refused.push({ path, reason: 'a symlink that leads nowhere' });
          continue;
        }
        if (!isWithin(base, target)) {
          refused.push({ path, reason: `a symlink to ${target}, outside ${root}` });
          continue;
        }
        isDir = info.isDirectory();
        isFile = info.isFile();
        if (isDir && seen.has(target)) continue; // a loop of links inside the folder
      }
      if (isDir) await walk(path, new Set([...seen, realpathOfExisting(path)]));
      else if (isFile) files.push(path);
    }
  };
  await walk(resolve(root), new Set([base]));
  return { files: files.sort(), refused };
}

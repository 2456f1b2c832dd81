/**
 * Issue 24: the lake, its state, the report bundle (PII access lists), quarantined raw records and
 * the built site were world-readable (0644/0755). `meshwatch run` on the sample — collect (which
 * quarantines the sample's bad objects), transform, report bundle, alerts, dashboards build — run
 * as a user types it, under the common 022 umask, must leave nothing readable by group or others.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathExists } from '../../lib/lake/atomic.js';

const repo = resolve(import.meta.dirname, '..', '..');
const BIN = join(repo, 'cli', 'bin', 'meshwatch.js');
const hasSample = await pathExists(join(repo, 'sample-logs', 'truth.json'));
/** The whole pipeline with the Framework build: a few minutes on the shared 2-core machine. */
const RUN_TIMEOUT_MS = 900_000;

function runMeshwatch(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [BIN, ...args], { cwd: repo, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      resolvePromise({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

/** Every file and folder below `root` (itself included) with its permission bits. */
async function modesUnder(root: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>([['.', (await stat(root)).mode & 0o777]]);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      modes.set(relative(root, path), (await stat(path)).mode & 0o777);
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return modes;
}

describe.skipIf(!hasSample)('file modes of a whole run on the sample', () => {
  it(
    'leaves the lake, state, report bundle, quarantine and site readable by the owner only',
    async () => {
      // Prepare: a fresh lake, and the umask most shells have (022), which the CLI must not rely on
      const lake = join(await mkdtemp(join(tmpdir(), 'meshwatch-modes-')), 'lake');
      const previous = process.umask(0o022);

      // Act
      let result: { code: number; stderr: string };
      try {
        result = await runMeshwatch(['--lake', lake, '--quiet', 'run']);
      } finally {
        process.umask(previous);
      }

      // Assess
      expect(result.code, result.stderr).toBe(0);
      const modes = await modesUnder(lake);
      const paths = [...modes.keys()];
      for (const part of [
        '_state',
        '_quarantine/cloudtrail',
        'reports',
        'site/index.html',
        'meshwatch.duckdb',
        'marts',
        'cloudtrail',
      ]) {
        expect(paths.some((path) => path === part || path.startsWith(`${part}/`))).toBe(true);
      }
      expect(paths.some((path) => path.startsWith('_quarantine/cloudtrail/objects/'))).toBe(true);
      expect(paths.some((path) => /^reports\/\d{4}-\d{2}-\d{2}\/pii-access\.csv$/.test(path))).toBe(true);
      const open = [...modes].filter(([, mode]) => (mode & 0o077) !== 0).map(([path, mode]) => `${path} 0${mode.toString(8)}`);
      expect(open).toEqual([]);
      expect(modes.get('.')).toBe(0o700);
    },
    RUN_TIMEOUT_MS,
  );
});

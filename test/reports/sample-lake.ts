/**
 * The sample organisation run once into a temp lake and shared by the report acceptance tests:
 * vitest runs each test file in its own process, so the lake is keyed by the vitest process (our
 * parent) and the sample's truth.json, built by whichever file comes first under a lock folder,
 * and reused by the others. Commands then run as a user types them, through cli/bin/meshwatch.js.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(import.meta.dirname, '../..');
export const TRUTH_FILE = join(ROOT, 'sample-logs/truth.json');
const BIN = join(ROOT, 'cli/bin/meshwatch.js');
const BUILD_TIMEOUT_MS = 600_000;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `meshwatch <args>` from the repository (so the sample config applies) and returns its exit code and output. */
export async function meshwatch(args: readonly string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, stdout: failure.stdout, stderr: failure.stderr };
  }
}

export async function sampleTruth(): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(TRUTH_FILE, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

let cached: Promise<string> | undefined;

/** The lake folder holding the collected and transformed sample (built on first use in this vitest run). */
export function sampleLake(): Promise<string> {
  cached ??= buildSampleLake();
  return cached;
}

const LAKE_PREFIX = 'meshwatch-reports-sample-';

/** Removes sample lakes of earlier vitest runs whose process has ended. */
async function removeStaleLakes(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    const pid = Number(/^meshwatch-reports-sample-[0-9a-f]+-(\d+)(\.lock)?$/.exec(name)?.[1]);
    if (!pid || pid === process.ppid || isAlive(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function buildSampleLake(): Promise<string> {
  await removeStaleLakes();
  const truth = await readFile(TRUTH_FILE);
  const key = createHash('sha256').update(truth).digest('hex').slice(0, 12);
  const lake = join(tmpdir(), `${LAKE_PREFIX}${key}-${process.ppid}`);
  const done = join(lake, '.built');
  const lock = `${lake}.lock`;
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (!(await exists(done))) {
    if (await tryLock(lock)) {
      try {
        if (!(await exists(done))) await collectAndTransform(lake, done);
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    } else {
      if (Date.now() > deadline) throw new Error(`timed out waiting for another test file to build ${lake}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return lake;
}

async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function collectAndTransform(lake: string, done: string): Promise<void> {
  await rm(lake, { recursive: true, force: true });
  for (const stage of [['collect'], ['transform']]) {
    const result = await meshwatch(['--lake', lake, '--quiet', ...stage]);
    if (result.code !== 0) throw new Error(`meshwatch ${stage.join(' ')} failed (${result.code}):\n${result.stderr}`);
  }
  await writeFile(done, new Date().toISOString());
}

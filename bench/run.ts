/**
 * The benchmark harness: `npm run bench [-- --only cloudtrail] [--data sample-1m] [--days 30 --scale 55]`
 * runs every `bench/*.bench.ts` (or the named ones) and prints each one's figures as a table and as
 * one JSON line (for RESULTS.md). Benchmarks are measurements, not tests: nothing here asserts.
 *
 * A benchmark module's shape (keep to it, so one runner serves every area):
 *
 *   import type { BenchContext } from './run.js';
 *   export const description = 'what it measures';
 *   export default async function bench(ctx: BenchContext): Promise<Record<string, number | string>> { ... }
 *
 * `ctx.dataDir` is the generated organisation to read (`bench/data/<name>`, made with
 * `npm run sample -- --days N --scale K --out bench/data/<name>` when missing — see ensureBenchData),
 * `ctx.lake` a fresh empty lake folder under the OS temp dir (never the repo's ./lake), `ctx.log`
 * prints a progress line. Return flat figures: numbers (with units in the names: `_s`, `_mb`,
 * `_per_s`) or short strings.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';

export interface BenchContext {
  /** The generated organisation (holds cloudtrail/, api/, meshwatch.config.yaml). */
  readonly dataDir: string;
  /** A fresh, empty lake folder for this benchmark. */
  readonly lake: string;
  readonly log: (line: string) => void;
}

export type BenchModule = {
  readonly description?: string;
  default(ctx: BenchContext): Promise<Record<string, number | string>>;
};

export const BENCH_DIR = import.meta.dirname;
export const REPO_ROOT = join(BENCH_DIR, '..');

/** How a data set was generated: written beside it, so a result says what it was measured on. */
export interface BenchDataShape {
  readonly days: number;
  readonly scale: number;
}

const SHAPE_FILE = 'bench-data.json';

/**
 * Generates `bench/data/<name>` with the sample generator unless it is there already, and returns
 * the parameters it was generated with (null when it predates SHAPE_FILE or was made by hand).
 * An existing folder is never replaced: a different shape is only reported, with how to regenerate.
 */
export async function ensureBenchData(
  dataDir: string,
  wanted: BenchDataShape,
  log: (line: string) => void,
): Promise<BenchDataShape | null> {
  if (existsSync(join(dataDir, 'cloudtrail', 'AWSLogs'))) {
    const shape = await readShape(dataDir);
    if (shape?.days !== wanted.days || shape?.scale !== wanted.scale) {
      log(
        `note: ${dataDir} was generated with ${shapeArguments(shape)}, not ${shapeArguments(wanted)}; ` +
          'measuring it as it is (delete the folder to regenerate)',
      );
    }
    return shape;
  }
  log(`generating ${dataDir} (npm run sample -- ${shapeArguments(wanted)}) ...`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      'npm',
      ['run', '--silent', 'sample', '--', '--days', String(wanted.days), '--scale', String(wanted.scale), '--out', dataDir],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
      },
    );
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`the sample generator failed (exit ${code}); see its output above`);
  await writeFile(join(dataDir, SHAPE_FILE), `${JSON.stringify(wanted)}\n`);
  return wanted;
}

/** The generator's arguments for a shape, as printed in notes and results. */
function shapeArguments(shape: BenchDataShape | null): string {
  return shape ? `--days ${shape.days} --scale ${shape.scale}` : 'unknown parameters';
}

async function readShape(dataDir: string): Promise<BenchDataShape | null> {
  try {
    const shape = JSON.parse(await readFile(join(dataDir, SHAPE_FILE), 'utf8')) as Partial<BenchDataShape>;
    return typeof shape.days === 'number' && typeof shape.scale === 'number' ? { days: shape.days, scale: shape.scale } : null;
  } catch {
    return null;
  }
}

/** Runs a command, sampling its peak resident memory (VmHWM) from /proc; returns wall time and peak. */
export async function runMeasured(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<{ code: number | null; seconds: number; cpuSeconds: number; peakRssMb: number; stderr: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  let peakKb = 0;
  let cpuTicks = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+)/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      // utime + stime (fields 14 and 15) of the whole process, worker threads included.
      const stat = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
      cpuTicks = Math.max(cpuTicks, Number(stat[11]) + Number(stat[12]));
    } catch {
      // The process has exited between samples.
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Clock ticks are 1/100 s on Linux; the last sample is at most 100 ms before the exit.
  return { code, seconds, cpuSeconds: cpuTicks / 100, peakRssMb: Math.round(peakKb / 1024), stderr };
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .option('--only <names...>', 'run only these benchmarks (file names without .bench.ts)')
    .option('--data <name>', 'data set under bench/data', 'sample-1m')
    .option('--days <n>', 'days to generate when the data set is missing', '30')
    .option(
      '--scale <k>',
      'sample generator scale when the data set is missing (55 ≈ 1M events over 30 days, ~67 an object)',
      '55',
    )
    .parse(argv);
  const options = program.opts<{ only?: string[]; data: string; days: string; scale: string }>();
  const dataDir = join(BENCH_DIR, 'data', options.data);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const shape = await ensureBenchData(dataDir, { days: Number(options.days), scale: Number(options.scale) }, log);
  const generatedWith = shapeArguments(shape);
  const files = (await readdir(BENCH_DIR)).filter((name) => name.endsWith('.bench.ts')).sort();
  const selected = files.filter((name) => !options.only || options.only.includes(name.replace(/\.bench\.ts$/, '')));
  log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  for (const file of selected) {
    const module = (await import(pathToFileURL(join(BENCH_DIR, file)).href)) as BenchModule;
    const lake = await mkdtemp(join(tmpdir(), 'mw-bench-'));
    log(`\n${file}${module.description ? `: ${module.description}` : ''}`);
    try {
      const figures = await module.default({ dataDir, lake, log });
      const width = Math.max(...Object.keys(figures).map((name) => name.length));
      for (const [name, value] of Object.entries(figures)) process.stdout.write(`  ${name.padEnd(width)}  ${value}\n`);
      process.stdout.write(
        `${JSON.stringify({ bench: file, data: options.data, generated_with: generatedWith, date: new Date().toISOString(), ...figures })}\n`,
      );
    } finally {
      await rm(lake, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}

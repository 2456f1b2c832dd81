/**
 * Runs the Observable Framework CLI (`build` or `preview`) as a child process, with the
 * environment every build needs: telemetry off, and the lake, "now" and domains for the loaders.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RunContext } from '../lib/context.js';
import { MeshwatchError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import {
  DEFAULT_NEW_READER_DAYS,
  ENV_DOMAINS,
  ENV_LAKE,
  ENV_NEW_READER_DAYS,
  ENV_NOW,
  ENV_REFRESHED_AT,
} from './loaders/environment.js';
import { REPOSITORY_DIR } from './workspace-paths.js';

export const FRAMEWORK_BIN = join(REPOSITORY_DIR, 'node_modules', '@observablehq', 'framework', 'dist', 'bin', 'observable.js');

/** The dashboards could not be built or served. */
export class DashboardError extends MeshwatchError {}

export interface SiteInputs {
  readonly lake: string;
  readonly now: Date;
  readonly refreshedAt: Date;
  readonly domains: readonly string[];
  /** "New readers this week": the pii_new_reader rule's lookback, in days. */
  readonly newReaderDays: number;
}

export function frameworkEnvironment(inputs: SiteInputs, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    OBSERVABLE_TELEMETRY_DISABLE: 'true',
    NO_COLOR: '1',
    [ENV_LAKE]: inputs.lake,
    [ENV_NOW]: inputs.now.toISOString(),
    [ENV_REFRESHED_AT]: inputs.refreshedAt.toISOString(),
    [ENV_DOMAINS]: inputs.domains.join(','),
    [ENV_NEW_READER_DAYS]: String(inputs.newReaderDays),
  };
}

/** What the loaders need from the run: the lake, "now", the domains and the new-reader window. */
export function siteInputs(ctx: RunContext, domains: readonly string[]): SiteInputs {
  const configured = ctx.config.alerts?.rules?.pii_new_reader?.lookback_days;
  return {
    lake: ctx.layout.root,
    now: ctx.now,
    refreshedAt: new Date(),
    domains,
    newReaderDays: typeof configured === 'number' && configured > 0 ? configured : DEFAULT_NEW_READER_DAYS,
  };
}

export interface BuildOutput {
  readonly output: string;
  /** Loader lines Framework reported as errors (the page then shows that data as missing). */
  readonly loaderErrors: readonly string[];
}

/** `observable build` in `projectDir`; throws DashboardError with the output's tail on failure. */
export async function runFrameworkBuild(projectDir: string, env: NodeJS.ProcessEnv, logger: Logger): Promise<BuildOutput> {
  const { code, output } = await runCollecting(['build'], projectDir, env);
  for (const line of output.split('\n')) if (line.trim()) logger.debug(`dashboards: ${line}`);
  if (code !== 0) {
    throw new DashboardError('Observable Framework failed to build the dashboards', {
      context: { lake: env[ENV_LAKE], exitCode: code ?? -1 },
      cause: new Error(failureSummary(output)),
      hint: 'run `meshwatch dashboards build --verbose` to see the whole build log',
    });
  }
  const loaderErrors = output.split('\n').filter((line) => /\bload \S+ .*\berror\b/.test(line));
  return { output, loaderErrors };
}

/** The error lines of a failed build (a loader's typed error, Framework's own), else its tail. */
export function failureSummary(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  const errors = lines.filter((line) => /^(\w*Error\b|Unexpected error|error\b)|\[cause\]|fix:/.test(line));
  const unique = [...new Set(errors)].slice(0, 12);
  return (unique.length > 0 ? unique : lines.slice(-25)).join('\n');
}

function runCollecting(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FRAMEWORK_BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (cause) =>
      reject(new DashboardError('cannot start Observable Framework', { cause, context: { file: FRAMEWORK_BIN } })),
    );
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** `observable preview` attached to this terminal, until it exits (Ctrl-C). */
export function runFrameworkPreview(projectDir: string, env: NodeJS.ProcessEnv, port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [FRAMEWORK_BIN, 'preview', '--host', '127.0.0.1', '--port', String(port), '--no-open'],
      {
        cwd: projectDir,
        env,
        stdio: 'inherit',
      },
    );
    // Stopping meshwatch (Ctrl-C, or a SIGTERM from a supervisor) stops the preview server with it.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', (cause) => reject(new DashboardError('cannot start Observable Framework', { cause })));
    child.on('close', (code) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code);
    });
  });
}

/**
 * Typed errors for every stage. Each carries the context a user needs to act on it
 * (account, region, source, key, file) and keeps the underlying `cause`.
 * The CLI maps them to exit codes with `exitCodeFor`: 2 for mistakes the user can fix in
 * their command line or configuration, 1 for failures at run time.
 */

export interface ErrorContext {
  readonly source?: string;
  readonly account?: string;
  readonly region?: string;
  readonly key?: string;
  readonly file?: string;
  readonly [name: string]: string | number | boolean | undefined;
}

export interface MeshwatchErrorOptions {
  readonly cause?: unknown;
  readonly context?: ErrorContext;
  /** One sentence that tells the user what to do about it. */
  readonly hint?: string;
}

export class MeshwatchError extends Error {
  readonly context: ErrorContext;
  readonly hint: string | undefined;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number = 1;

  constructor(message: string, options: MeshwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
    this.hint = options.hint;
  }
}

/** The configuration file is missing, unreadable or invalid. */
export class ConfigError extends MeshwatchError {
  override readonly exitCode = 2;
}

/** The command line is wrong: an unknown table, a malformed date, a bad flag value. */
export class UsageError extends MeshwatchError {
  override readonly exitCode = 2;
}

/** A collector could not read its source (AWS API, S3, local directory). */
export class CollectorError extends MeshwatchError {}

/** Input that cannot be parsed; quarantined rather than thrown when one bad object must not stop a run. */
export class InputError extends MeshwatchError {}

/** A model failed to build or a fixed-rows model test failed. */
export class TransformError extends MeshwatchError {}

/** A report could not be produced. */
export class ReportError extends MeshwatchError {}

/** An alert could not be evaluated or delivered. */
export class AlertError extends MeshwatchError {}

/** Reading or writing the lake (Parquet files, DuckDB file, state) failed. */
export class LakeError extends MeshwatchError {}

/** Log-file validation found a changed, missing or unsigned CloudTrail object. */
export class IntegrityError extends MeshwatchError {}

export function exitCodeFor(error: unknown): number {
  return error instanceof MeshwatchError ? error.exitCode : 1;
}

/** Renders an error for a person: message, context, hint and the chain of causes. */
export function describeError(error: unknown, { verbose = false } = {}): string {
  if (!(error instanceof Error)) return String(error);
  const lines = [`${error.name === 'Error' ? 'error' : error.name}: ${error.message}`];
  if (error instanceof MeshwatchError) {
    const context = Object.entries(error.context)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}=${value}`);
    if (context.length > 0) lines.push(`  context: ${context.join(' ')}`);
    if (error.hint) lines.push(`  fix: ${error.hint}`);
  }
  let cause = error.cause;
  while (cause !== undefined) {
    lines.push(`  caused by: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (verbose && error.stack) lines.push(error.stack);
  return lines.join('\n');
}

/**
 * A small logger that writes to stderr, so stdout stays clean for report output that scripts parse.
 * Everything that goes out passes through `redact`: these logs name people and hold credentials
 * in the environment, and a secret must never reach a terminal or a log file.
 */

import { redactUrlsIn } from './text/redact-url.js';

export type LogLevel = 'quiet' | 'normal' | 'verbose';

export interface Logger {
  readonly level: LogLevel;
  /** Progress and summaries; hidden with --quiet. */
  info(message: string): void;
  /** Details for debugging; shown only with --verbose. */
  debug(message: string): void;
  /** Something was skipped or degraded; always shown. */
  warn(message: string): void;
  /** Always shown. */
  error(message: string): void;
}

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // Access key ids (long-term AKIA and temporary ASIA keys).
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '$1****************'],
  // Secret keys and session tokens given as key=value or JSON fields.
  [
    /("?(?:aws_)?(?:secret_?access_?key|session_?token|secretAccessKey|sessionToken|password|token)"?\s*[:=]\s*"?)[^"\s,}]+/gi,
    '$1[redacted]',
  ],
  // Webhook URLs carry their secret in the path (Slack, generic hooks).
  [/(https?:\/\/[^/\s]+\/)(?:[^\s"']*)?(hooks?|services|webhook)[^\s"']*/gi, '$1[redacted-webhook]'],
  // Authorization headers.
  [/(authorization\s*[:=]\s*)[^\n]+/gi, '$1[redacted]'],
];

export function redact(text: string): string {
  // Every URL first: its userinfo, query and opaque path segments (lib/text/redact-url.ts).
  let result = redactUrlsIn(text);
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

export function createLogger(level: LogLevel = 'normal', write: (line: string) => void = defaultWrite): Logger {
  const emit = (line: string) => write(`${redact(line)}\n`);
  return {
    level,
    info: (message) => {
      if (level !== 'quiet') emit(message);
    },
    debug: (message) => {
      if (level === 'verbose') emit(message);
    },
    warn: (message) => emit(`warning: ${message}`),
    error: (message) => emit(message),
  };
}

function defaultWrite(text: string): void {
  process.stderr.write(text);
}

/** A logger that keeps lines in memory: for tests, and for commands that collect messages. */
export function createMemoryLogger(level: LogLevel = 'verbose'): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(level, (line) => lines.push(line.trimEnd()));
  return Object.assign(logger, { lines });
}

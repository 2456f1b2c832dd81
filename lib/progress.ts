/**
 * Progress for long steps. On a TTY it redraws one status line (objects, events, rate, ETA);
 * when piped or with --quiet it stays silent until `done`, which prints one summary line,
 * so logs and CI output stay line-oriented.
 */
import type { Logger } from './log.js';

export interface ProgressCounts {
  readonly done: number;
  readonly total?: number;
  /** Extra figures shown after the count, e.g. `events: 12034`. */
  readonly extra?: Record<string, number | string>;
}

export interface Progress {
  update(counts: ProgressCounts): void;
  done(summary: string): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly logger: Logger;
  readonly stream?: NodeJS.WriteStream;
  /** Minimum milliseconds between redraws. */
  readonly intervalMs?: number;
}

export function createProgress({ label, logger, stream = process.stderr, intervalMs = 150 }: ProgressOptions): Progress {
  const interactive = Boolean(stream.isTTY) && logger.level !== 'quiet';
  const startedAt = Date.now();
  let lastDraw = 0;
  let drawn = false;

  return {
    update(counts) {
      if (!interactive) return;
      const now = Date.now();
      if (now - lastDraw < intervalMs) return;
      lastDraw = now;
      drawn = true;
      stream.write(`\r\x1b[2K${label}: ${formatCounts(counts, now - startedAt)}`);
    },
    done(summary) {
      if (drawn) stream.write('\r\x1b[2K');
      logger.info(`${label}: ${summary} (${formatDuration(Date.now() - startedAt)})`);
    },
  };
}

function formatCounts({ done, total, extra }: ProgressCounts, elapsedMs: number): string {
  const parts = [total === undefined ? `${done}` : `${done}/${total}`];
  for (const [name, value] of Object.entries(extra ?? {})) parts.push(`${name} ${value}`);
  if (total !== undefined && done > 0 && done < total) {
    const remainingMs = (elapsedMs / done) * (total - done);
    parts.push(`ETA ${formatDuration(remainingMs)}`);
  }
  return parts.join(' · ');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

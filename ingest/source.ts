/** The contract every collector stage implements (one per source: cloudtrail, lakeformation, ...). */
import type { MeshwatchConfig } from '../lib/config/schema.js';
import type { RunContext, StageResult } from '../lib/context.js';

export interface CollectOptions {
  /** Inclusive lower bound on event/usage time. */
  readonly since?: Date;
  /** Exclusive upper bound. */
  readonly until?: Date;
  /** Only these accounts (default: every configured one the source applies to). */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /**
   * The source's deadline (network.source_deadline_seconds, and the run's): when it aborts, AWS
   * calls stop and the collector keeps what it has collected (ingest/aws/deadline.ts).
   */
  readonly signal?: AbortSignal;
}

export interface SourceCollector {
  /** The key under `sources:` in the config. */
  readonly name: keyof MeshwatchConfig['sources'];
  readonly description: string;
  collect(ctx: RunContext, options: CollectOptions): Promise<StageResult>;
}

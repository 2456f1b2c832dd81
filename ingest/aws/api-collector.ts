/**
 * The shape every API collector shares, in one place (like a CloudQuery table): the collector
 * says which accounts and regions it reads and fetches rows for one account × region; this module
 * adds the meta columns (snapshot time, account, region), isolates failures per account × region
 * into `collection_errors` rows, writes each dataset and reports a StageResult.
 *
 * Bounds (network-bounds.ts): every client has request timeouts; every listing goes through the
 * paging guard (`scope.paging`); when the source or run deadline (`options.signal`) aborts, the
 * calls in flight stop, scopes not yet started are not started, and what was collected is written.
 */
import type { MeshwatchConfig } from '../../lib/config/schema.js';
import type { RunContext, StageResult } from '../../lib/context.js';
import { createProgress } from '../../lib/progress.js';
import type { CollectOptions, SourceCollector } from '../source.js';
import { type AwsAccess, type AwsAccessOverrides, type AwsClientConfig, createAwsAccess, tagCommandErrors } from './clients.js';
import { type CollectionErrorRow, collectionErrorRow, collectionErrorsDataset } from './collection-errors.js';
import type { DatasetSpec } from './dataset-spec.js';
import {
  type DatasetRow,
  type PartitionValues,
  unchangedDataset,
  type WriteDatasetResult,
  writeDataset,
} from './dataset-writer.js';
import { deadlineReached } from './deadline.js';
import { networkBounds } from './network-bounds.js';
import type { PageLimit } from './paging.js';

export interface Scope {
  readonly account: string;
  readonly region: string;
}

/**
 * How the framework fills a dataset's meta columns:
 * - `scope-snapshot`: snapshot_at, snapshot_date, account_id, region; partitions per scope, replaced each run;
 * - `snapshot`: snapshot_at, snapshot_date; one partition per day;
 * - `rows`: the collector sets every column (incremental, merged datasets).
 */
export type MetaColumns = 'scope-snapshot' | 'snapshot' | 'rows';

export interface ApiDataset {
  readonly spec: DatasetSpec;
  readonly meta: MetaColumns;
}

export interface ScopeContext {
  readonly scope: Scope;
  readonly ctx: RunContext;
  readonly options: CollectOptions;
  /** The bound every listing of this scope passes to `boundedPages` (network.max_pages). */
  readonly paging: PageLimit;
  /** An SDK client for this account and region (errors tagged with their command; destroyed after the scope). */
  client<C extends { destroy(): void }>(Client: new (config: AwsClientConfig) => C): C;
  note(line: string): void;
  /** Runs once the datasets are written (checkpoints are saved only for data that reached the lake). */
  afterWrite(action: () => Promise<void>): void;
}

/** One row for one dataset, as a collector yields it. */
export interface CollectedRow {
  readonly dataset: DatasetSpec;
  readonly row: DatasetRow;
}

export interface ApiCollectorDefinition {
  readonly name: SourceCollector['name'];
  readonly description: string;
  readonly datasets: readonly ApiDataset[];
  /** Accounts read by default (the config may narrow or override). */
  accounts(config: MeshwatchConfig): string[];
  /** Regions read: the configured ones, or one region for global APIs. */
  regions(config: MeshwatchConfig): string[];
  /** A global API (Organizations, Cost Explorer): `--region` does not narrow it. */
  readonly global?: boolean;
  /** Fetches one account × region and yields its rows (flattened into the declared columns; no business logic). */
  collectScope(scope: ScopeContext): AsyncIterable<CollectedRow>;
}

export interface ApiCollectorDependencies {
  /** Builds the AWS access (tests pass fixed base credentials; `overrides.signal` is the deadline). */
  readonly awsAccess?: (config: MeshwatchConfig, overrides: AwsAccessOverrides) => Promise<AwsAccess>;
}

const SCOPE_CONCURRENCY = 4;

export function defineApiCollector(
  definition: ApiCollectorDefinition,
  dependencies: ApiCollectorDependencies = {},
): SourceCollector {
  return {
    name: definition.name,
    description: definition.description,
    collect: (ctx, options) => runApiCollector(definition, ctx, options, dependencies),
  };
}

export function selectScopes(definition: ApiCollectorDefinition, config: MeshwatchConfig, options: CollectOptions): Scope[] {
  const accounts = definition.accounts(config).filter((account) => !options.accounts || options.accounts.includes(account));
  const regions = definition
    .regions(config)
    .filter((region) => definition.global || !options.regions || options.regions.includes(region));
  return accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}

interface ScopeOutcome {
  readonly scope: Scope;
  readonly rows: Map<string, DatasetRow[]>;
  readonly afterWrite: (() => Promise<void>)[];
  readonly error?: CollectionErrorRow;
}

async function runApiCollector(
  definition: ApiCollectorDefinition,
  ctx: RunContext,
  options: CollectOptions,
  dependencies: ApiCollectorDependencies,
): Promise<StageResult> {
  const signal = options.signal;
  const aws = await (dependencies.awsAccess ?? createAwsAccess)(ctx.config, signal ? { signal } : {});
  const scopes = selectScopes(definition, ctx.config, options);
  const notes: string[] = [];
  const progress = createProgress({ label: definition.name, logger: ctx.logger });
  let done = 0;
  const outcomes = await mapWithConcurrency(scopes, SCOPE_CONCURRENCY, async (scope) => {
    const outcome = deadlineReached(signal)
      ? notStarted(definition, scope, signal)
      : await collectOneScope(definition, ctx, options, aws, scope, notes);
    done += 1;
    progress.update({ done, total: scopes.length });
    return outcome;
  });
  const failures = outcomes.flatMap((outcome) => (outcome.error ? [outcome.error] : []));
  const others = failures.length < outcomes.length ? ', other accounts collected' : ', and no other account was';
  for (const failure of failures) {
    ctx.logger.warn(
      `${definition.name}: account ${failure.account_id} ${failure.region} not collected (${failure.operation}: ${failure.error_name}: ${failure.message}); recorded in collection_errors${others}`,
    );
  }
  const written = await writeOutcomes(definition, ctx, outcomes);
  for (const outcome of outcomes) for (const action of outcome.afterWrite) await action();
  const succeeded = outcomes.length - failures.length;
  progress.done(`${succeeded}/${outcomes.length} account-regions collected`);
  if (scopes.length === 0)
    notes.push(`${definition.name}: no account to collect (check sources.${definition.name}.accounts and the account kinds)`);
  if (failures.length > 0) notes.push(`${definition.name}: ${failures.length} account-region(s) failed, see collection_errors`);
  const deadline = deadlineReached(signal);
  if (deadline) notes.push(`${definition.name}: stopped by a deadline (${deadline.message}); what was collected is written`);
  return {
    stage: `collect ${definition.name}`,
    outputs: written.map((result) => ({ name: result.name, rows: result.rows, path: result.path })),
    notes,
    warnings: failures.length,
    problems: failures.length > 0 ? [{ count: failures.length, what: failedScopesText(failures, outcomes.length) }] : [],
    scopes: { total: outcomes.length, failed: failures.length },
  };
}

/** `account-region(s) of 30 not collected (in collection_errors): 111… us-east-1 (ListPermissions: AccessDenied), …` */
function failedScopesText(failures: readonly CollectionErrorRow[], total: number): string {
  const named = failures
    .slice(0, 3)
    .map((failure) => `${failure.account_id} ${failure.region} (${failure.operation}: ${failure.error_name})`);
  const more = failures.length > named.length ? `, and ${failures.length - named.length} more` : '';
  return `account-region(s) of ${total} not collected (rows in collection_errors): ${named.join(', ')}${more}`;
}

async function collectOneScope(
  definition: ApiCollectorDefinition,
  ctx: RunContext,
  options: CollectOptions,
  aws: AwsAccess,
  scope: Scope,
  notes: string[],
): Promise<ScopeOutcome> {
  const rows = new Map<string, DatasetRow[]>();
  const afterWrite: (() => Promise<void>)[] = [];
  const clients: { destroy(): void }[] = [];
  const scopeContext: ScopeContext = {
    scope,
    ctx,
    options,
    paging: { maxPages: networkBounds(ctx.config).maxPages },
    client(Client) {
      const client = aws.withDeadline(tagCommandErrors(new Client(aws.clientConfig(scope.account, scope.region))));
      clients.push(client);
      return client;
    },
    note: (line) => notes.push(line),
    afterWrite: (action) => afterWrite.push(action),
  };
  try {
    for await (const { dataset, row } of definition.collectScope(scopeContext)) {
      let list = rows.get(dataset.name);
      if (!list) {
        list = [];
        rows.set(dataset.name, list);
      }
      list.push(row);
    }
    return { scope, rows, afterWrite };
  } catch (error) {
    // A failed scope contributes no rows and no checkpoint: its earlier data stays as it was (a
    // partial listing written as the day's snapshot would read as grants or tables removed).
    const deadline = deadlineReached(options.signal);
    const cause = deadline ? deadline.during(commandOf(error)) : error;
    return { scope, rows: new Map(), afterWrite: [], error: collectionErrorRow(definition.name, scope, cause) };
  } finally {
    for (const client of clients) client.destroy();
  }
}

/** A scope the deadline came before: recorded, so the missing account-region is visible in the lake. */
function notStarted(definition: ApiCollectorDefinition, scope: Scope, signal: AbortSignal | undefined): ScopeOutcome {
  const deadline = deadlineReached(signal);
  return {
    scope,
    rows: new Map(),
    afterWrite: [],
    error: collectionErrorRow(definition.name, scope, deadline?.during('(not started)')),
  };
}

function commandOf(error: unknown): string | undefined {
  return (error as { $command?: string } | undefined)?.$command?.replace(/Command$/, '');
}

async function writeOutcomes(
  definition: ApiCollectorDefinition,
  ctx: RunContext,
  outcomes: readonly ScopeOutcome[],
): Promise<WriteDatasetResult[]> {
  const snapshotAt = ctx.now;
  const snapshotDate = ctx.now.toISOString().slice(0, 10);
  const collected = outcomes.filter((outcome) => !outcome.error);
  const results: WriteDatasetResult[] = [];
  for (const dataset of definition.datasets) {
    const rows: DatasetRow[] = [];
    let cover: PartitionValues[] = [];
    for (const outcome of collected) {
      for (const row of outcome.rows.get(dataset.spec.name) ?? [])
        rows.push(withMeta(dataset.meta, row, outcome.scope, snapshotAt));
    }
    if (dataset.meta === 'scope-snapshot') {
      cover = collected.map(({ scope }) => ({ snapshot_date: snapshotDate, account_id: scope.account, region: scope.region }));
    } else if (dataset.meta === 'snapshot' && collected.length > 0 && collected.length === outcomes.length) {
      cover = [{ snapshot_date: snapshotDate }];
    }
    // An incremental dataset with nothing new is left as it is, and reported as it stands.
    if (rows.length === 0 && cover.length === 0) results.push(await unchangedDataset(ctx.layout, dataset.spec));
    else results.push(await writeDataset(ctx.layout, dataset.spec, rows, { cover }));
  }
  const errors = outcomes.flatMap((outcome) => (outcome.error ? [outcome.error] : []));
  // Always written (an error-free run replaces the day's earlier errors); listed only when it has some.
  const errorsWritten = await writeDataset(
    ctx.layout,
    collectionErrorsDataset,
    errors.map((error) => ({ ...error, snapshot_date: snapshotDate })),
    { cover: [{ snapshot_date: snapshotDate, source: definition.name }] },
  );
  if (errors.length > 0) results.push(errorsWritten);
  return results;
}

function withMeta(meta: MetaColumns, row: DatasetRow, scope: Scope, snapshotAt: Date): DatasetRow {
  const snapshotDate = snapshotAt.toISOString().slice(0, 10);
  if (meta === 'scope-snapshot') {
    return { ...row, snapshot_at: snapshotAt, snapshot_date: snapshotDate, account_id: scope.account, region: scope.region };
  }
  if (meta === 'snapshot') return { ...row, snapshot_at: snapshotAt, snapshot_date: snapshotDate };
  return row;
}

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

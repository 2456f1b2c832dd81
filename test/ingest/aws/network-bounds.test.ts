/**
 * Issue #24, "Network calls are bounded": each fault injected into the fake AWS service over real
 * HTTP — no answer, the same NextToken forever, always throttled, a truncated body, 500s — ends in
 * bounded time, is recorded as a collection_errors row, and leaves the data of an earlier run intact.
 * Every collection goes through `collect` (the stage `meshwatch collect` runs), with small
 * configured timeouts so each test is quick; each asserts how long the faulty run took (its vitest
 * timeout, which also covers the undisturbed run before it, is a backstop).
 */
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collect } from '../../../ingest/index.js';
import type { RunContext } from '../../../lib/context.js';
import { CollectorError, exitCodeFor } from '../../../lib/errors.js';
import { makeTempDir } from '../../fake-aws/fixtures.js';
import { type Fault, REPEATED_TOKEN } from '../../fake-aws/index.js';
import { CONSUMER, GOVERNANCE, MANAGEMENT, miniOrgConfig, PRODUCER, testContext, useMiniOrgOnFakeAws } from './mini-org.js';

type SourceName = 'glue' | 'athena' | 'lakeformation' | 'organizations';

/** Quick bounds for tests: every attempt times out in 300 ms; the deadlines leave room for a busy machine. */
const QUICK = { connect_timeout_ms: 300, request_timeout_ms: 300, source_deadline_seconds: 20, run_deadline_seconds: 40 };

/** Per source: the dataset that shows the earlier run's data, and the account it reads there. */
const EARLIER: Record<SourceName, { table: string; account: string }> = {
  glue: { table: 'glue_tables', account: PRODUCER },
  athena: { table: 'athena_queries', account: CONSUMER },
  lakeformation: { table: 'lf_permissions', account: PRODUCER },
  organizations: { table: 'org_accounts', account: MANAGEMENT },
};

interface CollectionError {
  source: string;
  account_id: string;
  region: string;
  operation: string;
  error_name: string;
  message: string;
}

describe('network calls are bounded (fake AWS over HTTP)', () => {
  const env = useMiniOrgOnFakeAws();
  const lakes: string[] = [];

  beforeEach(() => {
    env.fake.reset();
    // Base credentials from the default provider chain, as on a runner; every account via AssumeRole.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENVIRONMENTKEY01');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'environment-secret');
    vi.stubEnv('AWS_PROFILE', '');
  });

  afterEach(() => vi.unstubAllEnvs());

  afterAll(async () => {
    for (const lake of lakes) await rm(lake, { recursive: true, force: true });
  });

  async function context(
    sources: SourceName[],
    network: Record<string, unknown>,
    maxAttempts = 2,
    lake?: string,
  ): Promise<RunContext & { readonly lines: string[] }> {
    if (!lake) {
      lake = await makeTempDir('lake');
      lakes.push(lake);
    }
    return testContext(
      miniOrgConfig({
        lake,
        endpoint: env.fake.endpoint,
        maxAttempts,
        network,
        sources: Object.fromEntries(sources.map((source) => [source, {}])),
      }),
    );
  }

  /** A lake holding one undisturbed run of `source`; the fake's record is cleared after it. */
  async function lakeWithEarlierRun(source: SourceName, network: Record<string, unknown> = QUICK, maxAttempts = 2) {
    const ctx = await context([source], network, maxAttempts);
    await collect(ctx, { only: [source] });
    const earlier = await rowsOf(ctx, source);
    expect(earlier.length).toBeGreaterThan(0);
    env.fake.reset();
    return { ctx, earlier };
  }

  async function rowsOf(ctx: RunContext, source: SourceName): Promise<unknown[]> {
    const { table, account } = EARLIER[source];
    const db = await ctx.openLakeDatabase();
    try {
      const columns = table === 'org_accounts' ? '* EXCLUDE (snapshot_at)' : '*';
      const where = table === 'org_accounts' ? '' : `WHERE account_id = '${account}'`;
      return await db.all(`SELECT ${columns} FROM ${table} ${where} ORDER BY ALL`);
    } finally {
      db.close();
    }
  }

  async function collectionErrors(ctx: RunContext): Promise<CollectionError[]> {
    const db = await ctx.openLakeDatabase();
    try {
      return (await db.all(
        'SELECT source, account_id, region, operation, error_name, message FROM collection_errors ORDER BY ALL',
      )) as unknown as CollectionError[];
    } finally {
      db.close();
    }
  }

  async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const started = performance.now();
    const value = await work();
    return { value, ms: performance.now() - started };
  }

  describe('the same NextToken forever ends the listing as a collection_errors row', () => {
    const cases: { source: SourceName; operation: string; account: string }[] = [
      { source: 'glue', operation: 'GetTables', account: PRODUCER },
      { source: 'lakeformation', operation: 'ListPermissions', account: PRODUCER },
      { source: 'organizations', operation: 'ListAccounts', account: MANAGEMENT },
      { source: 'athena', operation: 'ListQueryExecutions', account: CONSUMER },
    ];
    it.each(cases)('$source $operation', { timeout: 60_000 }, async ({ source, operation, account }) => {
      // Prepare: an earlier run's data, then a service that answers every page with the same token
      const { ctx, earlier } = await lakeWithEarlierRun(source);
      if (source === 'athena') {
        // Athena stops listing at the newest id it saw last run (on the first page of the
        // recording): here new queries keep coming, each page with the same token.
        env.fake.respond({
          operation,
          account,
          answer: () => ({ QueryExecutionIds: ['q-new-2', 'q-new-1'], NextToken: REPEATED_TOKEN }),
        });
      } else {
        env.fake.inject({ operation, account, kind: 'repeat-token', count: Number.POSITIVE_INFINITY });
      }
      // Act
      const { value: results, ms } = await timed(() => collect(ctx, { only: [source] }));
      // Assess: two requests (the page, and the page again with the same token), then the call ended
      expect(env.fake.requestsFor(operation, account)).toHaveLength(2);
      expect(ms).toBeLessThan(8_000);
      const [result] = results;
      expect(result?.warnings).toBe(1);
      const errors = await collectionErrors(ctx);
      expect(errors).toEqual([
        expect.objectContaining({ source, account_id: account, region: 'us-east-1', operation, error_name: 'RepeatedPageToken' }),
      ]);
      expect(errors[0]?.message).toContain('paging token it had already sent');
      expect(await rowsOf(ctx, source)).toEqual(earlier);
    });
  });

  it('a listing longer than network.max_pages ends as a collection_errors row', { timeout: 60_000 }, async () => {
    // The producer's first table has two pages of partitions; one is allowed.
    const { ctx: first, earlier } = await lakeWithEarlierRun('glue');
    const ctx = await context(['glue'], { ...QUICK, max_pages: 1 }, 2, first.config.lake);
    const { value: results, ms } = await timed(() => collect(ctx, { only: ['glue'] }));
    const [result] = results;
    expect(ms).toBeLessThan(8_000);
    expect(env.fake.requestsFor('GetPartitions', PRODUCER)).toHaveLength(1);
    expect(result?.warnings).toBe(1);
    const errors = await collectionErrors(ctx);
    expect(errors).toEqual([
      expect.objectContaining({
        source: 'glue',
        account_id: PRODUCER,
        operation: 'GetPartitions',
        error_name: 'PageLimitExceeded',
      }),
    ]);
    expect(errors[0]?.message).toBe('GetPartitions still had more after 1 pages (network.max_pages); stopped');
    expect(await rowsOf(ctx, 'glue')).toEqual(earlier);
  });

  it('a request that gets no answer times out after network.request_timeout_ms per attempt', { timeout: 60_000 }, async () => {
    // Prepare: the producer's Glue accepts the connection and never answers
    const { ctx, earlier } = await lakeWithEarlierRun('glue');
    env.fake.inject({ operation: 'GetDatabases', account: PRODUCER, kind: 'no-answer', count: Number.POSITIVE_INFINITY });
    // Act
    const { value: results, ms } = await timed(() => collect(ctx, { only: ['glue'] }));
    // Assess: two attempts of 300 ms (aws.max_attempts: 2), then the account is a collection_errors row
    expect(env.fake.requestsFor('GetDatabases', PRODUCER)).toHaveLength(2);
    expect(ms).toBeLessThan(8_000);
    expect(results[0]?.warnings).toBe(1);
    expect(await collectionErrors(ctx)).toEqual([
      expect.objectContaining({ source: 'glue', account_id: PRODUCER, operation: 'GetDatabases', error_name: 'TimeoutError' }),
    ]);
    expect(await rowsOf(ctx, 'glue')).toEqual(earlier);
  });

  it('a body that stops half-way times out instead of hanging the run', { timeout: 60_000 }, async () => {
    const { ctx, earlier } = await lakeWithEarlierRun('lakeformation');
    env.fake.inject({ operation: 'ListPermissions', account: PRODUCER, kind: 'truncated-body', count: Number.POSITIVE_INFINITY });
    const { value: results, ms } = await timed(() => collect(ctx, { only: ['lakeformation'] }));
    expect(env.fake.requestsFor('ListPermissions', PRODUCER)).toHaveLength(2);
    expect(ms).toBeLessThan(8_000);
    expect(results[0]?.warnings).toBe(1);
    const errors = await collectionErrors(ctx);
    expect(errors).toEqual([
      expect.objectContaining({ source: 'lakeformation', account_id: PRODUCER, operation: 'ListPermissions' }),
    ]);
    expect(await rowsOf(ctx, 'lakeformation')).toEqual(earlier);
  });

  it('sts:AssumeRole always throttled gives up after network.assume_role_timeout_ms, whatever aws.max_attempts', {
    timeout: 15_000,
  }, async () => {
    // Prepare: the most attempts the config allows, each throttled (backoff up to 20 s each)
    const network = { ...QUICK, assume_role_timeout_ms: 500 };
    const { ctx, earlier } = await lakeWithEarlierRun('athena', network, 20);
    env.fake.inject({ operation: 'AssumeRole', kind: 'throttle', count: Number.POSITIVE_INFINITY });
    // Act
    const { value: results, ms } = await timed(() => collect(ctx, { only: ['athena'] }));
    // Assess
    expect(ms).toBeLessThan(8_000);
    expect(results[0]?.warnings).toBe(1);
    expect(await collectionErrors(ctx)).toEqual([
      expect.objectContaining({
        source: 'athena',
        account_id: CONSUMER,
        operation: 'AssumeRole',
        error_name: 'AssumeRoleDeadlineExceeded',
      }),
    ]);
    expect(await rowsOf(ctx, 'athena')).toEqual(earlier);
  });

  const endlessRetries: { fault: Fault['kind']; errorName: string }[] = [
    { fault: 'throttle', errorName: 'SourceDeadlineExceeded' },
    { fault: 'server-error', errorName: 'SourceDeadlineExceeded' },
  ];
  it.each(endlessRetries)(
    'a call that always fails with $fault is cut by the source deadline, retries and backoff included',
    { timeout: 60_000 },
    async ({ fault, errorName }) => {
      // Prepare: 20 attempts a call (backoff up to 20 s each); the source may take 1 s
      const { ctx: first, earlier } = await lakeWithEarlierRun('lakeformation', QUICK, 20);
      const ctx = await context(['lakeformation'], { ...QUICK, source_deadline_seconds: 1 }, 20, first.config.lake);
      env.fake.inject({ operation: 'ListPermissions', account: PRODUCER, kind: fault, count: Number.POSITIVE_INFINITY });
      // Act
      const { value: error, ms } = await timed(() => collect(ctx, { only: ['lakeformation'] }).catch((caught) => caught));
      // Assess: the run ends with what it has, says why, and exits non-zero
      expect(ms).toBeLessThan(8_000);
      expect(error).toBeInstanceOf(CollectorError);
      expect(exitCodeFor(error)).toBe(1);
      expect(ctx.lines.join('\n')).toContain(
        'lakeformation: stopped — the lakeformation source deadline of 1 s (network.source_deadline_seconds) was reached',
      );
      const errors = await collectionErrors(ctx);
      expect(errors).toContainEqual(
        expect.objectContaining({
          source: 'lakeformation',
          account_id: PRODUCER,
          operation: 'ListPermissions',
          error_name: errorName,
        }),
      );
      expect(await rowsOf(ctx, 'lakeformation')).toEqual(earlier);
      // The governance account answered in time: its grants of this run were written.
      expect(errors.some((row) => row.account_id === GOVERNANCE)).toBe(false);
    },
  );

  it('the run deadline stops the source in flight and does not start the next ones', { timeout: 60_000 }, async () => {
    // Prepare: glue hangs with a long request timeout; the run may take 1 s
    const network = { ...QUICK, request_timeout_ms: 60_000, run_deadline_seconds: 1 };
    const ctx = await context(['glue', 'athena'], network);
    env.fake.inject({ operation: 'GetDatabases', kind: 'no-answer', count: Number.POSITIVE_INFINITY });
    // Act
    const { value: error, ms } = await timed(() => collect(ctx, { only: ['glue', 'athena'] }).catch((caught) => caught));
    // Assess
    expect(ms).toBeLessThan(8_000);
    expect(error).toBeInstanceOf(CollectorError);
    expect((error as Error).message).toBe(
      'collection failed for glue, athena (other sources were collected; the run deadline stopped it early)',
    );
    const lines = ctx.lines.join('\n');
    expect(lines).toContain('athena: not started — the run deadline of 1 s (network.run_deadline_seconds) was reached');
    expect(env.fake.requests.filter((request) => request.service === 'athena')).toEqual([]);
    const errors = await collectionErrors(ctx);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((row) => row.source === 'glue' && row.error_name === 'RunDeadlineExceeded')).toBe(true);
    expect(errors.map((row) => row.account_id).sort()).toEqual([GOVERNANCE, PRODUCER, CONSUMER]);
  });
});

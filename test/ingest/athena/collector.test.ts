import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createAthenaCollector } from '../../../ingest/athena/collector.js';
import { writeApiFixture } from '../../fake-aws/fixtures.js';
import { startFakeAws } from '../../fake-aws/index.js';
import {
  CONSUMER,
  fakeDependencies,
  miniOrgConfig,
  miniOrgEntries,
  QUERY_IDS,
  testContext,
  useMiniOrgOnFakeAws,
} from '../aws/mini-org.js';

/** The same organisation one query later: q6 on top of the newest-first listing. */
async function writeOrgWithNewQuery(): Promise<string> {
  const entries = miniOrgEntries().map((entry) => {
    if (entry.operation === 'ListQueryExecutions') {
      return {
        ...entry,
        pages: [
          { QueryExecutionIds: ['q6', ...QUERY_IDS.slice(0, 1)] },
          { QueryExecutionIds: QUERY_IDS.slice(1, 3) },
          { QueryExecutionIds: QUERY_IDS.slice(3) },
        ],
      };
    }
    if (entry.operation === 'BatchGetQueryExecution') {
      const [page] = entry.pages as [{ QueryExecutions: { QueryExecutionId: string }[] }];
      const newest = { ...page.QueryExecutions[0], QueryExecutionId: 'q6' };
      return { ...entry, pages: [{ QueryExecutions: [newest, ...page.QueryExecutions] }] };
    }
    return entry;
  });
  return writeApiFixture(entries);
}

describe('athena collector', () => {
  const env = useMiniOrgOnFakeAws();

  it('writes workgroups and every query of every listing page with its statistics and error', async () => {
    // Prepare
    const ctx = testContext(miniOrgConfig({ lake: env.org.lake, endpoint: env.fake.endpoint }));
    // Act
    await createAthenaCollector(fakeDependencies).collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const workgroups = await db.all(
      'SELECT account_id, workgroup, bytes_scanned_cutoff_per_query, enforce_workgroup_configuration, output_location, engine_version FROM athena_workgroups',
    );
    const queries = await db.all(
      'SELECT query_id, workgroup, state, database, submitted_at, data_scanned_bytes, error_category, error_message FROM athena_queries ORDER BY submitted_at DESC',
    );
    db.close();
    expect(workgroups).toEqual([
      {
        account_id: CONSUMER,
        workgroup: 'analysts',
        bytes_scanned_cutoff_per_query: 10737418240,
        enforce_workgroup_configuration: true,
        output_location: 's3://analytics-results/',
        engine_version: 'Athena engine version 3',
      },
    ]);
    expect(queries.map((query) => query.query_id)).toEqual(QUERY_IDS);
    expect(queries[0]).toMatchObject({
      state: 'SUCCEEDED',
      database: 'sales_db',
      submitted_at: '2026-10-30T10:50:00.000Z',
      data_scanned_bytes: 50 * 1048576,
    });
    expect(queries[4]).toMatchObject({ state: 'FAILED', error_category: '2', error_message: 'TABLE_NOT_FOUND' });
    expect(env.fake.requestsFor('BatchGetQueryExecution')[0]?.params.QueryExecutionIds).toEqual(QUERY_IDS);
  });

  it('asks only for queries newer than the last one seen on the next run, without duplicating rows', async () => {
    // Prepare: a first run on a fresh lake, then one new query.
    const lake = `${env.org.lake}-incremental`;
    const ctx = testContext(miniOrgConfig({ lake, endpoint: env.fake.endpoint }));
    env.fake.reset();
    await createAthenaCollector(fakeDependencies).collect(ctx, {});
    const firstRun = {
      list: env.fake.requestsFor('ListQueryExecutions').length,
      batch: env.fake.requestsFor('BatchGetQueryExecution').length,
    };
    const laterFake = await startFakeAws({ sampleDir: await writeOrgWithNewQuery() });
    try {
      const laterCtx = testContext(miniOrgConfig({ lake, endpoint: laterFake.endpoint }));
      // Act
      await createAthenaCollector(fakeDependencies).collect(laterCtx, {});
      // Assess
      const db = await laterCtx.openLakeDatabase();
      const ids = await db.all<{ query_id: string }>('SELECT query_id FROM athena_queries ORDER BY query_id');
      db.close();
      expect(firstRun).toEqual({ list: 2, batch: 1 });
      expect(laterFake.requestsFor('ListQueryExecutions')).toHaveLength(1);
      expect(laterFake.requestsFor('BatchGetQueryExecution').map((request) => request.params.QueryExecutionIds)).toEqual([
        ['q6'],
      ]);
      expect(ids.map((row) => row.query_id)).toEqual(['q-failed', 'q2', 'q3', 'q4', 'q5', 'q6']);
    } finally {
      await laterFake.close();
      await rm(lake, { recursive: true, force: true });
    }
  });
});

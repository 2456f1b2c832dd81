/**
 * Real AWS API responses (the AWS CLI's documented outputs in ../shared/corpus) served to the
 * collectors: the SDK deserialisers and our flattening must accept each of them.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createAthenaCollector } from '../../../ingest/athena/collector.js';
import { createLakeFormationCollector } from '../../../ingest/lakeformation/collector.js';
import { makeTempDir, writeApiFixture } from '../../fake-aws/fixtures.js';
import { CONSUMER, miniOrgConfig, PRODUCER, testContext } from './mini-org.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/aws-cli-examples', import.meta.url));
const present = existsSync(CORPUS);
if (!present) console.warn(`corpus tests skipped: ${CORPUS} is absent`);

async function corpusBody(name: string): Promise<Record<string, unknown>> {
  const body = JSON.parse(await readFile(join(CORPUS, name), 'utf8')) as Record<string, unknown>;
  // The documented outputs end with the token of a page that was never recorded.
  delete body.NextToken;
  return body;
}

describe.skipIf(!present)('API collectors on real AWS responses (corpus)', () => {
  const cleanup: string[] = [];

  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });

  it('flattens every documented ListPermissions grant, the data lake settings and LF-Tags', async () => {
    // Prepare
    const pages = await Promise.all([0, 1, 2].map((index) => corpusBody(`list-permissions.output${index}.json`)));
    const sampleDir = await writeApiFixture([
      { service: 'lakeformation', operation: 'ListPermissions', account: PRODUCER, pages },
      {
        service: 'lakeformation',
        operation: 'GetDataLakeSettings',
        account: PRODUCER,
        pages: [await corpusBody('get-data-lake-settings.output0.json')],
      },
      {
        service: 'lakeformation',
        operation: 'ListLFTags',
        account: PRODUCER,
        pages: [await corpusBody('list-lf-tags.output0.json')],
      },
    ]);
    const lake = await makeTempDir('corpus-lake');
    cleanup.push(sampleDir, lake);
    const config = miniOrgConfig({
      lake,
      snapshots: join(sampleDir, 'api'),
      sources: { lakeformation: { accounts: [PRODUCER] } },
    });
    const ctx = testContext(config);
    const grants = pages.flatMap((page) => page.PrincipalResourcePermissions as { Resource: Record<string, unknown> }[]);
    const distinct = new Set(grants.map((grant) => JSON.stringify(grant)));
    // Act
    const result = await createLakeFormationCollector().collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const rows = await db.all<{ resource_type: string; n: number }>(
      'SELECT resource_type, count(*) AS n FROM lf_permissions GROUP BY ALL ORDER BY ALL',
    );
    const [settings] = await db.all(
      `SELECT allow_external_data_filtering, create_table_default_permissions::VARCHAR AS table_defaults,
              settings->>'$.AuthorizedSessionTagValueList[0]' AS session_tag FROM lf_settings`,
    );
    const tags = await db.all('SELECT tag_key, tag_values FROM lf_tags ORDER BY tag_key');
    db.close();
    expect(result.warnings).toBe(0);
    expect(rows.reduce((sum, row) => sum + Number(row.n), 0)).toBe(distinct.size);
    expect(rows.every((row) => row.resource_type !== null)).toBe(true);
    expect(new Set(rows.map((row) => row.resource_type))).toEqual(
      new Set(
        grants.map(
          (grant) =>
            ({
              Database: 'DATABASE',
              Table: 'TABLE',
              TableWithColumns: 'TABLE_WITH_COLUMNS',
              LFTag: 'LF_TAG',
              LFTagPolicy: 'LF_TAG_POLICY',
              DataLocation: 'DATA_LOCATION',
              DataCellsFilter: 'DATA_CELLS_FILTER',
              Catalog: 'CATALOG',
            })[Object.keys(grant.Resource)[0] as string],
        ),
      ),
    );
    expect(settings).toMatchObject({ allow_external_data_filtering: true, session_tag: 'Amazon EMR' });
    expect(String(settings?.table_defaults)).toContain('IAM_ALLOWED_PRINCIPALS');
    expect(tags.map((tag) => tag.tag_key)).toEqual(['category', 'group']);
  });

  it('reads a documented query execution and reports the ids it could not get', async () => {
    const list = await corpusBody('list-query-executions.output0.json');
    const { QueryExecution } = await corpusBody('get-query-execution.output0.json');
    const sampleDir = await writeApiFixture([
      {
        service: 'athena',
        operation: 'ListWorkGroups',
        account: CONSUMER,
        pages: [{ WorkGroups: [{ Name: 'primary', State: 'ENABLED' }] }],
      },
      {
        service: 'athena',
        operation: 'GetWorkGroup',
        account: CONSUMER,
        request: { WorkGroup: 'primary' },
        pages: [{ WorkGroup: { Name: 'primary', State: 'ENABLED' } }],
      },
      {
        service: 'athena',
        operation: 'ListQueryExecutions',
        account: CONSUMER,
        request: { WorkGroup: 'primary' },
        pages: [list],
      },
      {
        service: 'athena',
        operation: 'BatchGetQueryExecution',
        account: CONSUMER,
        pages: [{ QueryExecutions: [QueryExecution] }],
      },
    ]);
    const lake = await makeTempDir('corpus-lake');
    cleanup.push(sampleDir, lake);
    const ctx = testContext(miniOrgConfig({ lake, snapshots: join(sampleDir, 'api'), sources: { athena: {} } }));
    const result = await createAthenaCollector().collect(ctx, {});
    const db = await ctx.openLakeDatabase();
    const queries = await db.all(
      'SELECT query_id, state, database, catalog, submitted_at, engine_execution_ms FROM athena_queries',
    );
    db.close();
    const ids = list.QueryExecutionIds as string[];
    expect(queries).toEqual([
      {
        query_id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
        state: 'SUCCEEDED',
        database: 'mydatabase',
        catalog: 'awsdatacatalog',
        submitted_at: new Date(1593469842.665 * 1000).toISOString(),
        engine_execution_ms: (QueryExecution as { Statistics: { EngineExecutionTimeInMillis: number } }).Statistics
          .EngineExecutionTimeInMillis,
      },
    ]);
    expect(result.notes).toContain(
      `athena: ${ids.length - 1} query id(s) in ${CONSUMER} us-east-1 stayed unprocessed after retries`,
    );
  });
});

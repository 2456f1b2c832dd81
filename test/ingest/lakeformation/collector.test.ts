import { describe, expect, it } from 'vitest';
import { createLakeFormationCollector } from '../../../ingest/lakeformation/collector.js';
import { fakeDependencies, GOVERNANCE, miniOrgConfig, PRODUCER, testContext, useMiniOrgOnFakeAws } from '../aws/mini-org.js';

describe('lakeformation collector', () => {
  const env = useMiniOrgOnFakeAws();

  it('reads every ListPermissions page of producers and governance and flattens each resource type', async () => {
    // Prepare
    const ctx = testContext(miniOrgConfig({ lake: env.org.lake, endpoint: env.fake.endpoint }));
    // Act
    const result = await createLakeFormationCollector(fakeDependencies).collect(ctx, {});
    // Assess
    const db = await ctx.openLakeDatabase();
    const grants = await db.all(
      `SELECT account_id, region, principal, resource_type, catalog_id, database_name, table_name, column_wildcard,
              excluded_column_names, data_location_arn, lf_tag_key, lf_tag_values, lf_tag_policy_resource_type,
              lf_tag_expression::VARCHAR AS expression, permissions, last_updated, snapshot_date::VARCHAR AS snapshot_date
       FROM lf_permissions ORDER BY account_id, principal`,
    );
    db.close();
    // Three pages untyped, then the LF_TAG and LF_TAG_POLICY listings (same grants, de-duplicated).
    const listings = env.fake.requestsFor('ListPermissions', PRODUCER).map((request) => request.params.ResourceType ?? 'all');
    expect(listings).toEqual([
      'all',
      'all',
      'all',
      'LF_TAG',
      'LF_TAG',
      'LF_TAG',
      'LF_TAG_POLICY',
      'LF_TAG_POLICY',
      'LF_TAG_POLICY',
    ]);
    expect(grants.map((grant) => [grant.account_id, grant.resource_type, grant.table_name])).toEqual([
      [GOVERNANCE, 'LF_TAG', null],
      [PRODUCER, 'LF_TAG_POLICY', null],
      [PRODUCER, 'TABLE', '*'],
      [PRODUCER, 'DATA_LOCATION', null],
      [PRODUCER, 'TABLE_WITH_COLUMNS', 'customers'],
    ]);
    expect(grants[1]).toMatchObject({
      principal: '411111111111',
      lf_tag_policy_resource_type: 'TABLE',
      expression: '[{"TagKey":"domain","TagValues":["sales"]}]',
      permissions: ['SELECT', 'DESCRIBE'],
      last_updated: new Date(1790000000 * 1000).toISOString(),
      snapshot_date: '2026-10-31',
      region: 'us-east-1',
    });
    expect(grants[4]).toMatchObject({ column_wildcard: true, excluded_column_names: ['email'] });
    expect(result.warnings).toBe(0);
    expect(result.outputs.find((output) => output.name === 'lf_permissions')?.rows).toBe(5);
  });

  it('writes settings, LF-Tags and the tags of each Glue table, database tags once', async () => {
    const ctx = testContext(miniOrgConfig({ lake: env.org.lake, endpoint: env.fake.endpoint }));
    await createLakeFormationCollector(fakeDependencies).collect(ctx, {});
    const db = await ctx.openLakeDatabase();
    const settings = await db.all(
      'SELECT account_id, create_database_default_permissions::VARCHAR AS defaults FROM lf_settings ORDER BY account_id',
    );
    const tags = await db.all('SELECT account_id, tag_key, tag_values FROM lf_tags ORDER BY tag_key');
    const resourceTags = await db.all(
      'SELECT level, database_name, table_name, column_name, tag_key, tag_values FROM lf_resource_tags ORDER BY level, table_name',
    );
    db.close();
    expect(settings).toEqual([
      { account_id: GOVERNANCE, defaults: '[]' },
      {
        account_id: PRODUCER,
        defaults: '[{"Principal":{"DataLakePrincipalIdentifier":"IAM_ALLOWED_PRINCIPALS"},"Permissions":["ALL"]}]',
      },
    ]);
    expect(tags).toEqual([
      { account_id: GOVERNANCE, tag_key: 'domain', tag_values: ['sales', 'analytics'] },
      { account_id: GOVERNANCE, tag_key: 'sensitivity', tag_values: ['pii', 'public'] },
    ]);
    expect(resourceTags).toEqual([
      {
        level: 'column',
        database_name: 'sales_db',
        table_name: 'customers',
        column_name: 'email',
        tag_key: 'sensitivity',
        tag_values: ['pii'],
      },
      {
        level: 'database',
        database_name: 'sales_db',
        table_name: null,
        column_name: null,
        tag_key: 'domain',
        tag_values: ['sales'],
      },
      {
        level: 'table',
        database_name: 'sales_db',
        table_name: 'customers',
        column_name: null,
        tag_key: 'sensitivity',
        tag_values: ['pii'],
      },
    ]);
  });
});

import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectDeclaredGrants } from '../../../ingest/declared-grants/collector.js';
import { parseTerraformShow } from '../../../ingest/declared-grants/parse-terraform.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createContext } from '../../../lib/context.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { createLogger } from '../../../lib/log.js';

const grant = (address: string, values: Record<string, unknown>) => ({
  address,
  mode: 'managed',
  type: 'aws_lakeformation_permissions',
  name: address.split('.').pop(),
  provider_name: 'registry.terraform.io/hashicorp/aws',
  values: { catalog_id: '311111111111', permissions_with_grant_option: [], ...values },
});

const SHOW = {
  format_version: '1.0',
  terraform_version: '1.9.8',
  values: {
    root_module: {
      resources: [
        grant('aws_lakeformation_permissions.orders', {
          principal: '411111111111',
          permissions: ['SELECT', 'DESCRIBE'],
          table: [{ database_name: 'sales_db', name: 'orders', wildcard: false, catalog_id: '311111111111' }],
        }),
        grant('aws_lakeformation_permissions.all_tables', {
          principal: 'arn:aws:iam::411111111111:role/bi',
          permissions: ['SELECT'],
          table: [{ database_name: 'sales_db', name: '', wildcard: true }],
        }),
        { address: 'aws_s3_bucket.lake', mode: 'managed', type: 'aws_s3_bucket', values: { bucket: 'x' } },
      ],
      child_modules: [
        {
          address: 'module.governance',
          resources: [
            grant('module.governance.aws_lakeformation_permissions.pii_policy', {
              catalog_id: '200000000003',
              principal: 'arn:aws:iam::422222222222:role/ds',
              permissions: ['SELECT'],
              lf_tag_policy: [
                {
                  resource_type: 'TABLE',
                  expression: [
                    { key: 'sensitivity', values: ['pii', 'internal'] },
                    { key: 'domain', values: ['sales'] },
                  ],
                },
              ],
            }),
            grant('module.governance.aws_lakeformation_permissions.columns', {
              principal: '422222222222',
              permissions: ['SELECT'],
              table_with_columns: [
                {
                  database_name: 'sales_db',
                  name: 'customers',
                  column_names: [],
                  excluded_column_names: ['phone', 'email'],
                  wildcard: true,
                },
              ],
            }),
            grant('module.governance.aws_lakeformation_permissions.broken', {
              principal: '422222222222',
              permissions: ['SELECT'],
            }),
          ],
        },
      ],
    },
  },
};

describe('parseTerraformShow', () => {
  it('reads aws_lakeformation_permissions from the root and child modules with canonical resources', () => {
    // Act
    const parsed = parseTerraformShow(SHOW, 'show.json');
    // Assess
    expect(parsed.grants.map((g) => [g.address, g.account_id, g.principal, g.resource, g.permissions])).toEqual([
      ['aws_lakeformation_permissions.orders', '311111111111', '411111111111', 'table:sales_db.orders', ['DESCRIBE', 'SELECT']],
      [
        'aws_lakeformation_permissions.all_tables',
        '311111111111',
        'arn:aws:iam::411111111111:role/bi',
        'table:sales_db.*',
        ['SELECT'],
      ],
      [
        'module.governance.aws_lakeformation_permissions.pii_policy',
        '200000000003',
        'arn:aws:iam::422222222222:role/ds',
        'lftag-policy:TABLE:domain=sales;sensitivity=internal|pii',
        ['SELECT'],
      ],
      [
        'module.governance.aws_lakeformation_permissions.columns',
        '311111111111',
        '422222222222',
        'columns:sales_db.customers(* except email,phone)',
        ['SELECT'],
      ],
    ]);
    expect(parsed.rejected).toEqual([
      { address: 'module.governance.aws_lakeformation_permissions.broken', reason: expect.stringMatching(/no resource block/) },
    ]);
  });

  it('rejects a document that is not terraform show -json output', () => {
    expect(() => parseTerraformShow({ resources: [] }, 'x.json')).toThrow(/not terraform show -json output/);
  });
});

describe('collectDeclaredGrants', () => {
  it('writes the declared_grants dataset and quarantines a bad file and a bad resource with reasons', async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'meshwatch-declared-'));
    await writeFile(join(root, 'a-show.json'), JSON.stringify(SHOW));
    await writeFile(join(root, 'b-broken.json'), '{ "format_version": ');
    const config = parseConfig(
      'lake: ./lake\norganization: { id: o-abc123def4 }\nsources:\n  declared_grants: { path: . }\n',
      join(root, 'meshwatch.config.yaml'),
    );
    const ctx = createContext(config, createLogger('quiet'));
    // Act
    const result = await collectDeclaredGrants(ctx);
    const again = await collectDeclaredGrants(ctx);
    // Assess
    expect(result.outputs).toEqual([
      { name: 'declared_grants', rows: 4, path: expect.stringContaining('declared_grants.parquet') },
    ]);
    expect(result.warnings).toBe(2);
    expect(again.outputs[0]?.rows).toBe(4);
    const quarantined = await readdir(ctx.layout.quarantinePath('declared_grants'));
    expect(quarantined).toHaveLength(2);
    const db = await openDatabase();
    try {
      const rows = await db.all(
        `SELECT address, resource, permissions FROM read_parquet('${ctx.layout.datasetDir('declared_grants')}/**/*.parquet') ORDER BY address`,
      );
      expect(rows).toHaveLength(4);
      expect(rows[0]).toEqual({
        address: 'aws_lakeformation_permissions.all_tables',
        resource: 'table:sales_db.*',
        permissions: ['SELECT'],
      });
    } finally {
      db.close();
    }
  });

  it('quarantines a symlink in the folder that leads out of it instead of reading the grants it points at', async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'meshwatch-declared-link-'));
    await mkdir(join(root, 'declared'));
    await mkdir(join(root, 'elsewhere'));
    await writeFile(
      join(root, 'declared', 'a-show.json'),
      JSON.stringify({ ...SHOW, values: { root_module: { resources: [] } } }),
    );
    await writeFile(join(root, 'elsewhere', 'show.json'), JSON.stringify(SHOW));
    await symlink(join(root, 'elsewhere', 'show.json'), join(root, 'declared', 'b-linked.json'));
    const config = parseConfig(
      'lake: ./lake\norganization: { id: o-abc123def4 }\nsources:\n  declared_grants: { path: ./declared }\n',
      join(root, 'meshwatch.config.yaml'),
    );
    const ctx = createContext(config, createLogger('quiet'));

    // Act
    const result = await collectDeclaredGrants(ctx);

    // Assess
    expect(result.outputs[0]?.rows).toBe(0);
    expect(result.warnings).toBe(1);
    const [entry] = await readdir(ctx.layout.quarantinePath('declared_grants'));
    const quarantined = JSON.parse(await readFile(ctx.layout.quarantinePath('declared_grants', entry as string), 'utf8'));
    expect(quarantined.file).toBe(join(root, 'declared', 'b-linked.json'));
    expect(quarantined.reason).toMatch(/^not read: it leads through a symlink outside its root/);
  });

  it('names quarantine files after the input safely, whatever the name or resource address holds', async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'meshwatch-declared-names-'));
    await writeFile(join(root, '..evil name;$(x).json'), '{ "format_version": ');
    const config = parseConfig(
      'lake: ./lake\norganization: { id: o-abc123def4 }\nsources:\n  declared_grants: { path: . }\n',
      join(root, 'meshwatch.config.yaml'),
    );
    const ctx = createContext(config, createLogger('quiet'));

    // Act
    await collectDeclaredGrants(ctx);

    // Assess
    const names = await readdir(ctx.layout.quarantinePath('declared_grants'));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[A-Za-z0-9][A-Za-z0-9._=-]*\.reason\.json$/);
  });
});

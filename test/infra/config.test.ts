import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProductContracts } from '../../infra/config/contracts.js';
import { resolveDeployment } from '../../infra/config/deployment.js';
import { parseInfraConfig } from '../../infra/config/infra-config.js';
import { parseConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';
import { REPO_ROOT } from './synth-fixture.js';

const MINIMAL = `
org_trail: { bucket_name: org-trail-bucket }
lake: { bucket_name: my-lake }
collector: { external_id: secret-ext-id }
dashboards: { site_bucket_name: my-site, cognito_domain_prefix: my-login }
`;

const meshwatchConfig = (accounts: string) =>
  parseConfig(
    `organization:\n  id: o-abcdefghij\n  accounts:\n${accounts}\nregions: [eu-west-1, us-east-1]\n`,
    '/tmp/meshwatch.config.yaml',
  );

describe('parseInfraConfig', () => {
  it('accepts the committed infra/infra.config.yaml', () => {
    const file = join(REPO_ROOT, 'infra/infra.config.yaml');
    expect(parseInfraConfig(readFileSync(file, 'utf8'), file).lake.bucket_name).toMatch(/^[a-z0-9.-]+$/);
  });

  it('fills defaults for everything but the four required sections', () => {
    // Act
    const config = parseInfraConfig(MINIMAL, 'infra.config.yaml');

    // Assess
    expect(config.schedules).toEqual({
      collect: 'rate(1 hour)',
      collect_sources: ['cloudtrail', 'lakeformation', 'glue', 'athena'],
      run: 'cron(30 5 * * ? *)',
      timezone: 'Etc/UTC',
    });
    expect(config.runner.log_retention_days).toBe(90);
    expect(config.runner.lease).toEqual({ ttl_minutes: 15, collect_wait_minutes: 0, run_wait_minutes: 30 });
    expect(config.org_trail.prefix).toBe('');
  });

  it('names an unknown key', () => {
    expect(() => parseInfraConfig(`${MINIMAL}\nlake_bucket: x\n`, 'infra.config.yaml')).toThrow(/lake_bucket/);
  });

  it.each([
    ['a log retention CloudWatch does not offer', 'runner: { log_retention_days: 42 }', /runner\.log_retention_days/],
    [
      'a schedule that is not an expression',
      'schedules: { collect: "every hour" }',
      /schedules\.collect: must be an EventBridge Scheduler expression/,
    ],
    ['a KMS key that is not an ARN', 'org_trail: { bucket_name: b-1, kms_key_arn: alias/trail }', /org_trail\.kms_key_arn/],
    ['a lake lease shorter than its renewals can keep', 'runner: { lease: { ttl_minutes: 1 } }', /runner\.lease\.ttl_minutes/],
  ])('rejects %s with a message naming the key', (_case, override, message) => {
    // Prepare: later YAML keys replace earlier ones, so put the override after the minimal file.
    const text = MINIMAL.split('\n')
      .filter((line) => !line.startsWith(override.split(':')[0] as string))
      .join('\n');

    // Act + Assess
    expect(() => parseInfraConfig(`${text}\n${override}\n`, 'infra.config.yaml')).toThrow(ConfigError);
    expect(() => parseInfraConfig(`${text}\n${override}\n`, 'infra.config.yaml')).toThrow(message);
  });
});

describe('resolveDeployment', () => {
  it('runs the pipeline in the governance account and the first region by default', () => {
    // Prepare
    const meshwatch = meshwatchConfig(
      '    - { id: "111111111111", name: mgmt, domain: platform, kind: management }\n    - { id: "222222222222", name: gov, domain: governance, kind: governance }',
    );

    // Act
    const deployment = resolveDeployment(meshwatch, parseInfraConfig(MINIMAL, 'infra.config.yaml'));

    // Assess
    expect(deployment.pipeline).toEqual({ account: '222222222222', region: 'eu-west-1' });
    expect(deployment.managementAccountId).toBe('111111111111');
    expect(deployment.taskRoleArn).toBe('arn:aws:iam::222222222222:role/meshwatch-runner-task');
    expect(deployment.oncallTopicArn).toBe('arn:aws:sns:eu-west-1:222222222222:meshwatch-oncall');
  });

  it('explains that a pipeline account is needed when there is no governance account', () => {
    const meshwatch = meshwatchConfig('    - { id: "111111111111", name: mgmt, domain: platform, kind: management }');
    expect(() => resolveDeployment(meshwatch, parseInfraConfig(MINIMAL, 'infra.config.yaml'))).toThrow(/pipeline\.account/);
  });
});

describe('readProductContracts', () => {
  it('reads product, domain and max lag from every contract under the folder', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'meshwatch-contracts-'));
    await mkdir(join(dir, 'sales'));
    await writeFile(
      join(dir, 'sales', 'orders.yaml'),
      'product: sales.orders\ntable: sales_db.orders\ndomain: sales\nfreshness: { sla: "daily", warn_lag_hours: 26, max_lag_hours: 30 }\n',
    );
    await writeFile(join(dir, 'sales', 'returns.yml'), 'product: sales.returns\ndomain: sales\n');

    // Act
    const contracts = await readProductContracts(dir);

    // Assess
    expect(contracts).toEqual([
      { product: 'sales.orders', domain: 'sales', maxLagHours: 30 },
      { product: 'sales.returns', domain: 'sales', maxLagHours: undefined },
    ]);
  });

  it('treats a missing folder as no contracts and rejects a contract without a product', async () => {
    expect(await readProductContracts(join(tmpdir(), 'meshwatch-no-such-folder'))).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'meshwatch-contracts-'));
    await writeFile(join(dir, 'bad.yaml'), 'domain: sales\n');
    await expect(readProductContracts(dir)).rejects.toThrow(/lacks product/);
  });
});

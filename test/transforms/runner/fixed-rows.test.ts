import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../lib/config/schema.js';
import { runFixedRowsTest } from '../../../transforms/runner/fixed-rows.js';
import { loadModels } from '../../../transforms/runner/model.js';
import { paramsFromConfig } from '../../../transforms/runner/params.js';

const params = paramsFromConfig(configSchema.parse({ organization: { id: 'o-abc123def4' } }), new Date('2026-10-31T00:00:00Z'));

async function modelsDir(sql: string, yml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshwatch-models-'));
  await mkdir(join(dir, 'marts'));
  await writeFile(join(dir, 'marts', 'cost_total.sql'), sql);
  await writeFile(join(dir, 'marts', 'cost_total.yml'), yml);
  return dir;
}

const SQL = `SELECT account_id, sum(unblended_cost_usd) * {{ param('pricing.athena_usd_per_tb') }} AS cost
FROM {{ source('cost_daily') }} GROUP BY account_id`;

describe('runFixedRowsTest', () => {
  it('passes when the model returns the expected rows in any order, comparing only the named columns', async () => {
    // Prepare
    const dir = await modelsDir(
      SQL,
      `description: d
contract: { enforced: true }
columns: [{ name: account_id, data_type: VARCHAR }, { name: cost, data_type: DOUBLE }]
tests:
  - name: sums
    given:
      cost_daily:
        - { day: "2026-10-01", account_id: "1", unblended_cost_usd: 1 }
        - { day: "2026-10-02", account_id: "1", unblended_cost_usd: 2 }
        - { day: "2026-10-02", account_id: "2", unblended_cost_usd: 0.5 }
    expect:
      - { account_id: "2", cost: 2.5 }
      - { account_id: "1", cost: 15 }
`,
    );
    const models = await loadModels(dir);
    // Act
    const result = await runFixedRowsTest(models[0]!, models[0]!.metadata.tests[0]!, models, params);
    // Assess
    expect(result.passed).toBe(true);
  });

  it('fails with expected and actual rows when a value differs, and honours parameter overrides', async () => {
    const dir = await modelsDir(
      SQL,
      `description: d
contract: { enforced: true }
columns: [{ name: account_id, data_type: VARCHAR }, { name: cost, data_type: DOUBLE }]
tests:
  - name: wrong
    params: { pricing.athena_usd_per_tb: 2 }
    given:
      cost_daily:
        - { day: "2026-10-01", account_id: "1", unblended_cost_usd: 1 }
    expect:
      - { account_id: "1", cost: 5 }
`,
    );
    const models = await loadModels(dir);
    const result = await runFixedRowsTest(models[0]!, models[0]!.metadata.tests[0]!, models, params);
    expect(result.passed).toBe(false);
    expect(result.actual).toEqual([{ account_id: '1', cost: 2 }]);
  });

  it('fails with a message when the given rows name a column the source does not have', async () => {
    const dir = await modelsDir(
      SQL,
      `description: d
contract: { enforced: true }
columns: [{ name: account_id, data_type: VARCHAR }, { name: cost, data_type: DOUBLE }]
tests:
  - name: typo
    given:
      cost_daily:
        - { day: "2026-10-01", acount_id: "1" }
    expect: []
`,
    );
    const models = await loadModels(dir);
    const result = await runFixedRowsTest(models[0]!, models[0]!.metadata.tests[0]!, models, params);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/src_cost_daily has no column acount_id/);
  });
});

/**
 * Runs every model's fixed-rows tests (the `tests:` in transforms/models/<layer>/<model>.yml): one
 * vitest case per model test, so a failing model names itself and shows expected and actual rows.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../lib/config/schema.js';
import { runFixedRowsTest } from '../../transforms/runner/fixed-rows.js';
import { loadModels } from '../../transforms/runner/model.js';
import { paramsFromConfig } from '../../transforms/runner/params.js';

const models = await loadModels();
const config = configSchema.parse({ organization: { id: 'o-n1mbusc4rt' }, now: '2026-10-31T00:00:00Z' });
const params = paramsFromConfig(config, new Date('2026-10-31T00:00:00Z'));

describe('transforms/models', () => {
  it('gives every model a description and at least one fixed-rows test', () => {
    const untested = models.filter((model) => model.metadata.tests.length === 0).map((model) => model.name);
    expect(untested).toEqual([]);
  });

  for (const model of models) {
    describe(model.name, () => {
      for (const test of model.metadata.tests) {
        it(test.name, async () => {
          const result = await runFixedRowsTest(model, test, models, params);
          expect(result.message).toBeUndefined();
          expect(result.actual).toEqual(result.passed ? result.actual : result.expected);
          expect(result.passed).toBe(true);
        });
      }
    });
  }
});

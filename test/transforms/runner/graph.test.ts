import { describe, expect, it } from 'vitest';
import { TransformError } from '../../../lib/errors.js';
import { orderModels, upstreamOf } from '../../../transforms/runner/graph.js';
import type { Model } from '../../../transforms/runner/model.js';

function model(name: string, refs: string[]): Model {
  return {
    name,
    refs,
    sources: [],
    params: [],
    layer: 'marts',
    sql: '',
    sqlFile: `${name}.sql`,
    isMart: true,
    metadata: { description: name, contract: { enforced: false }, columns: {}, tests: [], settings: {} },
  };
}

describe('graph', () => {
  it('orders every model after the models it refs', () => {
    const ordered = orderModels([model('mart', ['stg_b', 'stg_a']), model('stg_b', ['stg_a']), model('stg_a', [])]).map(
      (m) => m.name,
    );
    expect(ordered).toEqual(['stg_a', 'stg_b', 'mart']);
  });

  it('names the cycle when models depend on each other', () => {
    expect(() => orderModels([model('a', ['b']), model('b', ['a'])])).toThrow(/cycle: a → b → a/);
  });

  it('names a ref to a model that does not exist', () => {
    expect(() => orderModels([model('a', ['nope'])])).toThrow(TransformError);
  });

  it('selects only a model and what it depends on', () => {
    const models = [model('a', []), model('b', ['a']), model('c', [])];
    expect(upstreamOf(models[1] as Model, models).map((m) => m.name)).toEqual(['a', 'b']);
  });
});

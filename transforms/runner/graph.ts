/** Orders models so each runs after the models it refs; a missing ref or a cycle is an error. */
import { TransformError } from '../../lib/errors.js';
import type { Model } from './model.js';

export function orderModels(models: readonly Model[]): Model[] {
  const byName = new Map(models.map((model) => [model.name, model]));
  const ordered: Model[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: Model, path: string[]) => {
    const seen = state.get(model.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new TransformError(`models depend on each other in a cycle: ${[...path, model.name].join(' → ')}`, {
        context: { file: model.sqlFile },
      });
    }
    state.set(model.name, 'visiting');
    for (const ref of model.refs) {
      const upstream = byName.get(ref);
      if (!upstream) {
        throw new TransformError(`model ${model.name} refs ${ref}, which does not exist`, {
          context: { file: model.sqlFile },
          hint: `models: ${[...byName.keys()].sort().join(', ')}`,
        });
      }
      visit(upstream, [...path, model.name]);
    }
    state.set(model.name, 'done');
    ordered.push(model);
  };
  for (const model of [...models].sort((a, b) => a.name.localeCompare(b.name))) visit(model, []);
  return ordered;
}

/** The model and every model it depends on, in run order. */
export function upstreamOf(target: Model, models: readonly Model[]): Model[] {
  const byName = new Map(models.map((model) => [model.name, model]));
  const needed = new Set<string>();
  const collect = (model: Model) => {
    if (needed.has(model.name)) return;
    needed.add(model.name);
    for (const ref of model.refs) {
      const upstream = byName.get(ref);
      if (upstream) collect(upstream);
    }
  };
  collect(target);
  return orderModels(models).filter((model) => needed.has(model.name));
}

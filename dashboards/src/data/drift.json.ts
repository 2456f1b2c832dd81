// Drift items, most severe first, then newest change first.
import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(
  await selectFromMart(
    'grant_drift',
    `select * from grant_drift
     order by case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end,
              changed_at desc nulls last, drift_id`,
  ),
);

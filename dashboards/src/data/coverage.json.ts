import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(
  await selectFromMart(
    'cloudtrail_coverage',
    'select account_id, region, day, objects, events, verification, is_gap from cloudtrail_coverage order by day, account_id, region',
  ),
);

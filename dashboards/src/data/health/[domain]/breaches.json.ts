import { emitJson } from '../../../../loaders/emit.js';
import { routeParameter } from '../../../../loaders/environment.js';
import { selectFromMart } from '../../../../loaders/marts.js';

await emitJson(
  await selectFromMart(
    'product_breaches',
    'select * from product_breaches where domain = $domain order by breach_start_at, product',
    { domain: routeParameter('domain') },
  ),
);

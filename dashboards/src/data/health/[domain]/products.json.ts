import { emitJson } from '../../../../loaders/emit.js';
import { routeParameter } from '../../../../loaders/environment.js';
import { selectFromMart } from '../../../../loaders/marts.js';

await emitJson(
  await selectFromMart('product_freshness', 'select * from product_freshness where domain = $domain order by product', {
    domain: routeParameter('domain'),
  }),
);

// One domain's data products and their breach intervals (the domain comes from the page route).
import { emitValue } from '../../../loaders/emit.js';
import { routeParameter } from '../../../loaders/environment.js';
import { selectFromMart } from '../../../loaders/marts.js';

const domain = routeParameter('domain');
const [products, breaches] = [
  await selectFromMart('product_freshness', 'select * from product_freshness where domain = $domain order by product', {
    domain,
  }),
  await selectFromMart(
    'product_breaches',
    'select * from product_breaches where domain = $domain order by breach_start_at, product',
    { domain },
  ),
];
await emitValue({
  products: { available: products.available, rows: products.rows },
  breaches: { available: breaches.available, rows: breaches.rows },
});

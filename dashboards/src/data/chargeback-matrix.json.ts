import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(
  await selectFromMart(
    'chargeback_matrix',
    'select month, consumer_domain, producer_domain, queries, bytes_scanned, cost_usd from chargeback_matrix order by month, consumer_domain, producer_domain',
  ),
);

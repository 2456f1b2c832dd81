import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(await selectFromMart('product_freshness', 'select * from product_freshness order by domain, product'));

import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(await selectFromMart('product_breaches', 'select * from product_breaches order by breach_start_at, product'));

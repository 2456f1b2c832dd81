import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(await selectFromMart('domain_chargeback', 'select * from domain_chargeback order by month, domain'));

// The FOCUS 1.x export of the chargeback, for download.
import { emitCsv } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitCsv(await selectFromMart('chargeback_focus', 'select * from chargeback_focus'));

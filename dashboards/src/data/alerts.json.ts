import { readAlerts } from '../../loaders/alerts.js';
import { emitValue } from '../../loaders/emit.js';

await emitValue(await readAlerts());

import { emitValue } from '../../loaders/emit.js';
import { describeLake } from '../../loaders/meta.js';

await emitValue(await describeLake());

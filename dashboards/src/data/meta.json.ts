import { describeLake } from '../../loaders/meta.js';
import { emitValue } from '../../loaders/emit.js';

await emitValue(await describeLake());

// LF-Tag coverage per domain, when the transform stage provides the lf_tag_coverage mart.
import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(await selectFromMart('lf_tag_coverage', 'select * from lf_tag_coverage'));

// First PII reads of a table by a principal in the new-reader window before "now".
import { emitJson } from '../../loaders/emit.js';
import { newReaderWindowStart } from '../../loaders/environment.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(
  await selectFromMart(
    'pii_access_history',
    `select event_time, principal, principal_kind, account_id, account_name, table_fqn, grant_path, query_id
     from pii_access_history
     where is_new_reader and outcome = 'allowed' and event_time >= $since::TIMESTAMP and event_time < $now::TIMESTAMP
     order by event_time desc`,
    newReaderWindowStart(),
  ),
);

// Every denied attempt on any table, newest first.
import { emitArrow } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitArrow(
  await selectFromMart(
    'data_access',
    `select event_time, principal, principal_kind, account_id, account_name, consumer_domain, table_fqn,
            producer_domain, error_code, query_id, query_text
     from data_access where outcome = 'denied' order by event_time desc, table_fqn, principal`,
  ),
);

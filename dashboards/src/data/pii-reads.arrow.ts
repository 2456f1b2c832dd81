// Every allowed PII read (a denied attempt is not a read), oldest first.
import { emitArrow } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitArrow(
  await selectFromMart(
    'pii_access_history',
    `select event_time, principal, human_name, principal_kind, account_id, account_name, consumer_domain,
            table_fqn, producer_domain, pii_level, pii_columns, query_id, query_text, bytes_scanned,
            grant_path, grant_detail, is_new_reader
     from pii_access_history where outcome = 'allowed' order by event_time, table_fqn, principal`,
  ),
);

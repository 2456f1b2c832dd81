// PII reads let in by a grant to IAM_ALLOWED_PRINCIPALS (Lake Formation bypassed), newest first.
import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

await emitJson(
  await selectFromMart(
    'pii_access_history',
    `select event_time, principal, account_id, account_name, table_fqn, grant_detail, query_id, bytes_scanned
     from pii_access_history
     where outcome = 'allowed' and grant_path = 'iam_allowed_principals'
     order by event_time desc`,
  ),
);

// The queries that scanned the most data (Athena bills by bytes scanned), one row per query.
import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

const TOP_QUERIES = 25;

await emitJson(
  await selectFromMart(
    'data_access',
    `select query_id, strftime(min(event_time), '%Y-%m') as month, min(event_time) as event_time,
            any_value(principal) as principal, any_value(consumer_domain) as consumer_domain,
            any_value(workgroup) as workgroup, max(bytes_scanned) as bytes_scanned,
            string_agg(distinct table_fqn, ', ' order by table_fqn) as tables, any_value(query_text) as query_text
     from data_access
     where outcome = 'allowed' and query_id is not null and query_state = 'SUCCEEDED'
     group by query_id
     order by bytes_scanned desc nulls last, query_id
     limit $limit`,
    { limit: TOP_QUERIES },
  ),
);

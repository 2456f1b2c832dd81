// The Athena queries that cost the most (price per query from the transforms' int_athena_query_costs),
// with who ran them, the tables they read and their text from data_access.
import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

const TOP_QUERIES = 25;

await emitJson(
  await selectFromMart(
    ['int_athena_query_costs', 'data_access'],
    `with accesses as (
       select query_id, any_value(principal) as principal,
              string_agg(distinct table_fqn, ', ' order by table_fqn) as tables, any_value(query_text) as query_text
       from data_access where query_id is not null group by query_id
     )
     select q.query_id, q.month, q.submitted_at as event_time, q.consumer_domain, q.workgroup, q.bytes_scanned, q.cost_usd,
            a.principal, a.tables, a.query_text
     from int_athena_query_costs q left join accesses a using (query_id)
     where q.cost_usd > 0
     order by q.cost_usd desc, q.query_id
     limit $limit`,
    { limit: TOP_QUERIES },
  ),
);

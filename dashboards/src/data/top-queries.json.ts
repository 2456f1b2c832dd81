// The Athena queries that cost the most, with who ran them, the tables they read and their text
// (the athena_query_costs mart).
import { emitJson } from '../../loaders/emit.js';
import { selectFromMart } from '../../loaders/marts.js';

const TOP_QUERIES = 25;

await emitJson(
  await selectFromMart(
    'athena_query_costs',
    `select query_id, month, submitted_at as event_time, consumer_domain, workgroup, bytes_scanned, cost_usd,
            principal, array_to_string(tables, ', ') as tables, query_text
     from athena_query_costs
     where cost_usd > 0
     order by cost_usd desc, query_id
     limit $limit`,
    { limit: TOP_QUERIES },
  ),
);

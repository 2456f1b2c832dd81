-- Each Athena query with its price, who ran it, the tables it read and its text: the finance
-- dashboard's "top queries by cost" and ad-hoc cost questions read it.
WITH priced AS (
  SELECT * FROM {{ ref('int_athena_query_costs') }}
),

accesses AS (
  SELECT
    query_id,
    any_value(principal ORDER BY event_time) AS principal,
    list_sort(list(DISTINCT table_fqn)) AS tables,
    list_sort(list(DISTINCT producer_domain) FILTER (WHERE producer_domain IS NOT NULL)) AS producer_domains,
    any_value(query_text) FILTER (WHERE query_text IS NOT NULL) AS query_text
  FROM {{ ref('data_access') }}
  WHERE query_id IS NOT NULL
  GROUP BY query_id
),

final AS (
  SELECT
    p.query_id,
    p.month,
    p.submitted_at,
    p.account_id,
    p.consumer_domain,
    p.workgroup,
    p.query_state,
    p.bytes_scanned,
    p.cost_usd,
    a.principal,
    coalesce(a.tables, []) AS tables,
    coalesce(a.producer_domains, []) AS producer_domains,
    a.query_text
  FROM priced AS p
  LEFT JOIN accesses AS a USING (query_id)
)

SELECT * FROM final
ORDER BY submitted_at, query_id

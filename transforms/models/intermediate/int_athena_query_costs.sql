-- Each Athena query with its account's domain and its price: SUCCEEDED queries cost
-- max(ceil(bytes / 2^20) · 2^20, pricing.athena_min_bytes_per_query) / 2^40 · pricing.athena_usd_per_tb.
WITH queries AS (
  SELECT * FROM {{ ref('stg_athena_queries') }}
  WHERE submitted_at IS NOT NULL
),

priced AS (
  SELECT
    q.query_id,
    q.account_id,
    a.domain AS consumer_domain,
    a.account_kind,
    q.workgroup,
    q.query_state,
    q.submitted_at,
    CAST(q.submitted_at AS DATE) AS day,
    strftime(q.submitted_at, '%Y-%m') AS month,
    coalesce(q.bytes_scanned, 0) AS bytes_scanned,
    CASE WHEN q.query_state = 'SUCCEEDED' THEN
      greatest(ceil(coalesce(q.bytes_scanned, 0) / 1048576.0) * 1048576.0, {{ param('pricing.athena_min_bytes_per_query') }})
        / 1099511627776.0 * {{ param('pricing.athena_usd_per_tb') }}
    ELSE 0 END AS cost_usd
  FROM queries AS q
  LEFT JOIN {{ ref('stg_accounts') }} AS a ON a.account_id = q.account_id
),

final AS (
  SELECT * FROM priced
)

SELECT * FROM final

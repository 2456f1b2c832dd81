-- Athena usage per day, account and workgroup: queries, bytes scanned and cost (alert input for
-- athena_scan_spike).
WITH queries AS (
  SELECT * FROM {{ ref('int_athena_query_costs') }}
),

final AS (
  SELECT
    day,
    account_id,
    consumer_domain,
    workgroup,
    count(*) AS queries,
    CAST(sum(bytes_scanned) AS BIGINT) AS bytes_scanned, -- a count of bytes: BIGINT in the Parquet, not HUGEINT → DOUBLE
    sum(cost_usd) AS cost_usd
  FROM queries
  GROUP BY day, account_id, consumer_domain, workgroup
)

SELECT * FROM final

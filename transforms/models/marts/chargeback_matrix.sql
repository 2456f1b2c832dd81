-- Consumer × producer Athena cost per month (DEFINITIONS.md "Chargeback", matrix).
WITH attributed AS (
  SELECT * FROM {{ ref('int_athena_query_tables') }}
),

final AS (
  SELECT
    month,
    consumer_domain,
    producer_domain,
    count(DISTINCT query_id) AS queries,
    CAST(sum(bytes_scanned) AS BIGINT) AS bytes_scanned, -- a count of bytes: BIGINT in the Parquet, not HUGEINT → DOUBLE
    sum(cost_usd) AS cost_usd
  FROM attributed
  GROUP BY month, consumer_domain, producer_domain
)

SELECT * FROM final

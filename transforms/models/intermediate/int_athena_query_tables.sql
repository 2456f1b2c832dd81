-- Each SUCCEEDED Athena query from a consumer account, split across the distinct tables it read
-- (chargeback.matrix_split: `tables` equally, `bytes` by the tables' Glue size), attributed to the
-- tables' producer domains.
WITH queries AS (
  SELECT * FROM {{ ref('int_athena_query_costs') }}
  WHERE query_state = 'SUCCEEDED' AND account_kind = 'consumer'
),

tables_read AS (
  SELECT DISTINCT query_id, producer_account_id, database_name, table_name, producer_domain
  FROM {{ ref('data_access') }}
  WHERE outcome = 'allowed' AND query_id IS NOT NULL
),

weighted AS (
  SELECT
    q.*,
    t.producer_account_id,
    t.producer_domain,
    t.database_name || '.' || t.table_name AS table_fqn,
    CASE WHEN {{ param('chargeback.matrix_split') }} = 'bytes' THEN coalesce(g.size_bytes, 0) ELSE 1 END AS weight
  FROM queries AS q
  JOIN tables_read AS t USING (query_id)
  LEFT JOIN {{ ref('stg_glue_tables') }} AS g
    ON g.account_id = t.producer_account_id AND g.database_name = t.database_name AND g.table_name = t.table_name
),

shares AS (
  SELECT
    *,
    -- tables without a size share equally when no table of the query has one
    CASE WHEN sum(weight) OVER (PARTITION BY query_id) > 0
      THEN weight / sum(weight) OVER (PARTITION BY query_id)
      ELSE 1.0 / count(*) OVER (PARTITION BY query_id)
    END AS share
  FROM weighted
),

final AS (
  SELECT
    query_id, account_id, consumer_domain, workgroup, submitted_at, day, month, table_fqn,
    producer_account_id, producer_domain, share,
    bytes_scanned * share AS bytes_scanned,
    cost_usd * share AS cost_usd
  FROM shares
)

SELECT * FROM final

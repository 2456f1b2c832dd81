-- Per data contract: last update, lag, status against the SLA, breaches and completeness in the
-- window, and usage in the last freshness.usage_days (DEFINITIONS.md "Product freshness").
WITH contracts AS (
  SELECT * FROM {{ ref('stg_contracts') }}
),

window_bounds AS (
  SELECT
    {{ param('now') }} AS as_of,
    {{ param('now') }} - to_days(CAST({{ param('freshness.window_days') }} AS INTEGER)) AS window_start,
    {{ param('now') }} - to_days(CAST({{ param('freshness.usage_days') }} AS INTEGER)) AS usage_start
),

last_updates AS (
  SELECT c.product, max(u.updated_at) AS last_update_at
  FROM contracts AS c
  JOIN {{ ref('stg_glue_updates') }} AS u
    ON u.account_id = c.account_id AND u.database_name = c.database_name AND u.table_name = c.table_name
  WHERE u.updated_at <= {{ param('now') }}
  GROUP BY c.product
),

breaches AS (
  SELECT
    b.product,
    count(*) AS breaches_in_window,
    sum(epoch(least(coalesce(b.breach_end_at, w.as_of), w.as_of) - greatest(b.breach_start_at, w.window_start)) / 3600.0) AS breach_hours_in_window
  FROM {{ ref('product_breaches') }} AS b
  CROSS JOIN window_bounds AS w
  GROUP BY b.product
),

-- the partition key's value of each partition, read as the start of the day or hour it holds
partition_starts AS (
  SELECT DISTINCT
    c.product,
    coalesce(
      try_strptime(p.partition_values[list_position(t.partition_keys, c.partition_key)],
        ['%Y-%m-%d-%H', '%Y-%m-%dT%H', '%Y-%m-%d %H', '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%d %H:%M:%S', '%Y%m%d%H', '%Y-%m-%d', '%Y%m%d']),
      NULL
    ) AS partition_start
  FROM contracts AS c
  JOIN {{ source('glue_partitions') }} AS p
    ON p.account_id = c.account_id AND p.database_name = c.database_name AND p.table_name = c.table_name
  JOIN {{ ref('stg_glue_tables') }} AS t
    ON t.account_id = c.account_id AND t.database_name = c.database_name AND t.table_name = c.table_name
  QUALIFY p.snapshot_at = max(p.snapshot_at) OVER (PARTITION BY c.product)
),

completeness AS (
  SELECT
    c.product,
    CAST({{ param('freshness.window_days') }} AS BIGINT) * CASE c.cadence WHEN 'hourly' THEN 24 ELSE 1 END AS expected_partitions,
    count(DISTINCT ps.partition_start) FILTER (WHERE ps.partition_start >= w.window_start AND ps.partition_start < w.as_of) AS present_partitions
  FROM contracts AS c
  CROSS JOIN window_bounds AS w
  LEFT JOIN partition_starts AS ps USING (product)
  GROUP BY c.product, c.cadence
),

usage AS (
  SELECT
    c.product,
    count(DISTINCT a.principal) AS consumers_30d,
    count(DISTINCT a.query_id) AS queries_30d
  FROM contracts AS c
  CROSS JOIN window_bounds AS w
  JOIN {{ ref('data_access') }} AS a
    ON a.producer_account_id = c.account_id AND a.table_fqn = c.table_fqn
  WHERE a.outcome = 'allowed' AND a.event_time >= w.usage_start AND a.event_time < w.as_of
  GROUP BY c.product
),

joined AS (
  SELECT
    c.*,
    l.last_update_at,
    round(epoch(w.as_of - l.last_update_at) / 3600.0, 4) AS lag_hours,
    coalesce(b.breaches_in_window, 0) AS breaches_in_window,
    round(coalesce(b.breach_hours_in_window, 0), 4) AS breach_hours_in_window,
    k.expected_partitions,
    k.present_partitions,
    w.as_of,
    coalesce(u.consumers_30d, 0) AS consumers_30d,
    coalesce(u.queries_30d, 0) AS queries_30d
  FROM contracts AS c
  CROSS JOIN window_bounds AS w
  LEFT JOIN last_updates AS l USING (product)
  LEFT JOIN breaches AS b USING (product)
  LEFT JOIN completeness AS k USING (product)
  LEFT JOIN usage AS u USING (product)
),

final AS (
  SELECT
    product, table_fqn, domain, account_id, owner, owner_contact, sensitivity, sla_text, cadence,
    warn_lag_hours, max_lag_hours, last_update_at, lag_hours,
    CASE
      WHEN lag_hours IS NULL THEN 'unknown'
      WHEN lag_hours <= warn_lag_hours THEN 'fresh'
      WHEN lag_hours <= max_lag_hours THEN 'late'
      ELSE 'breached'
    END AS status,
    breaches_in_window, breach_hours_in_window, expected_partitions, present_partitions,
    CASE WHEN expected_partitions > 0 THEN round(present_partitions / expected_partitions, 4) END AS completeness,
    consumers_30d, queries_30d, as_of
  FROM joined
)

SELECT * FROM final

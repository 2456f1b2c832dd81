-- SLA breach intervals per data product (DEFINITIONS.md "Product freshness"): for consecutive
-- updates u1 < u2, from u1 + max_lag to u2 when u2 is later; after the last update, from
-- last + max_lag, ongoing (null end) when now is past it. Only intervals overlapping the window.
WITH contracts AS (
  SELECT * FROM {{ ref('stg_contracts') }}
),

updates AS (
  SELECT DISTINCT c.product, u.updated_at
  FROM contracts AS c
  JOIN {{ ref('stg_glue_updates') }} AS u
    ON u.account_id = c.account_id AND u.database_name = c.database_name AND u.table_name = c.table_name
  WHERE u.updated_at <= {{ param('now') }}
),

sequenced AS (
  SELECT product, updated_at, lead(updated_at) OVER (PARTITION BY product ORDER BY updated_at) AS next_update_at
  FROM updates
),

intervals AS (
  SELECT
    s.product,
    s.updated_at + to_microseconds(CAST(c.max_lag_hours * 3600e6 AS BIGINT)) AS breach_start_at,
    s.next_update_at AS breach_end_at
  FROM sequenced AS s
  JOIN contracts AS c USING (product)
),

breaches AS (
  SELECT * FROM intervals
  WHERE (breach_end_at IS NULL AND breach_start_at < {{ param('now') }})
     OR (breach_end_at IS NOT NULL AND breach_end_at > breach_start_at)
),

final AS (
  SELECT
    b.product,
    c.table_fqn,
    c.domain,
    c.account_id,
    b.breach_start_at,
    b.breach_end_at,
    round(epoch(coalesce(b.breach_end_at, {{ param('now') }}) - b.breach_start_at) / 3600.0, 4) AS duration_hours
  FROM breaches AS b
  JOIN contracts AS c USING (product)
  WHERE coalesce(b.breach_end_at, {{ param('now') }}) > {{ param('now') }} - to_days(CAST({{ param('freshness.window_days') }} AS INTEGER))
)

SELECT * FROM final

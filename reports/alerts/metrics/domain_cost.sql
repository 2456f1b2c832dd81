-- inputs: cost_daily_domain
-- Each domain's cost on the latest day Cost Explorer reported, stamped with that day.
SELECT
  'DailyCostUSD' AS metric_name,
  'None' AS unit,
  CAST(cost_usd AS DOUBLE) AS value,
  CAST(day AS TIMESTAMP) AS measured_at,
  domain,
  NULL AS product
FROM cost_daily_domain
WHERE day = (SELECT max(day) FROM cost_daily_domain)

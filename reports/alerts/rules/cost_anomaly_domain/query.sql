-- One row per domain: alarm when a day in the lookback window cost more than factor × the median
-- of the baseline_days before it (given min_history_days of history) and more than min_cost_usd.
WITH cost AS (
  SELECT CAST(day AS DATE) AS day, domain, CAST(cost_usd AS DOUBLE) AS cost_usd
  FROM cost_daily_domain
),
scored AS (
  SELECT
    *,
    median(cost_usd) OVER history AS baseline_usd,
    count(*) OVER history AS history_days
  FROM cost
  WINDOW history AS (
    PARTITION BY domain ORDER BY day
    RANGE BETWEEN to_days(CAST($baseline_days AS INTEGER)) PRECEDING AND INTERVAL 1 DAY PRECEDING
  )
),
flagged AS (
  SELECT
    *,
    history_days >= $min_history_days AND cost_usd > $factor * baseline_usd AND cost_usd > $min_cost_usd AS is_anomaly,
    -- A day is in the window when it overlaps [now - lookback_days, now).
    CAST(day AS TIMESTAMP) + INTERVAL 1 DAY > $now::TIMESTAMP - to_days(CAST($lookback_days AS INTEGER))
      AND CAST(day AS TIMESTAMP) < $now::TIMESTAMP AS in_window
  FROM scored
),
per_domain AS (
  SELECT
    domain,
    max(day) FILTER (WHERE in_window AND is_anomaly) AS anomaly_day,
    arg_max(cost_usd, day) FILTER (WHERE in_window AND is_anomaly) AS anomaly_cost_usd,
    arg_max(baseline_usd, day) FILTER (WHERE in_window AND is_anomaly) AS baseline_usd,
    count(*) FILTER (WHERE in_window AND is_anomaly) AS anomaly_days
  FROM flagged
  GROUP BY domain
)
SELECT
  domain AS resource,
  CASE WHEN anomaly_day IS NOT NULL THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN anomaly_day IS NOT NULL THEN format(
      'domain {} cost {} USD on {}, {}× its {}-day median of {} USD',
      domain, printf('%.2f', anomaly_cost_usd), strftime(anomaly_day, '%Y-%m-%d'),
      round(anomaly_cost_usd / nullif(baseline_usd, 0), 1), $baseline_days, printf('%.2f', baseline_usd)
    )
    ELSE format('domain {} daily cost within its usual range', domain)
  END AS reason,
  domain,
  NULL AS account_id,
  anomaly_day,
  anomaly_days,
  round(anomaly_cost_usd, 2) AS anomaly_cost_usd,
  round(baseline_usd, 2) AS baseline_usd
FROM per_domain

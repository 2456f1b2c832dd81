-- One row per consumer account × workgroup: alarm when a day in the lookback window scanned more
-- than spike_factor × the median of the baseline_days before it (given min_history_days of
-- history), or more than the workgroup's daily budget; ok otherwise.
WITH usage AS (
  SELECT
    CAST(day AS DATE) AS day,
    account_id,
    consumer_domain,
    workgroup,
    CAST(bytes_scanned AS DOUBLE) AS bytes
  FROM athena_daily_usage
),
scored AS (
  SELECT
    *,
    median(bytes) OVER history AS baseline_bytes,
    count(*) OVER history AS history_days,
    CAST(($workgroup_daily_budget_bytes::JSON) ->> workgroup AS DOUBLE) AS budget_bytes
  FROM usage
  WINDOW history AS (
    PARTITION BY account_id, workgroup ORDER BY day
    RANGE BETWEEN to_days(CAST($baseline_days AS INTEGER)) PRECEDING AND INTERVAL 1 DAY PRECEDING
  )
),
flagged AS (
  SELECT
    *,
    history_days >= $min_history_days AND bytes > $spike_factor * baseline_bytes AS is_spike,
    budget_bytes IS NOT NULL AND bytes > budget_bytes AS is_over_budget,
    -- A day is in the window when it overlaps [now - lookback_days, now).
    CAST(day AS TIMESTAMP) + INTERVAL 1 DAY > $now::TIMESTAMP - to_days(CAST($lookback_days AS INTEGER))
      AND CAST(day AS TIMESTAMP) < $now::TIMESTAMP AS in_window
  FROM scored
),
per_workgroup AS (
  SELECT
    account_id,
    workgroup,
    any_value(consumer_domain) AS consumer_domain,
    max(day) FILTER (WHERE in_window AND (is_spike OR is_over_budget)) AS alarm_day,
    arg_max(bytes, day) FILTER (WHERE in_window AND (is_spike OR is_over_budget)) AS alarm_bytes,
    arg_max(baseline_bytes, day) FILTER (WHERE in_window AND (is_spike OR is_over_budget)) AS alarm_baseline_bytes,
    arg_max(budget_bytes, day) FILTER (WHERE in_window AND (is_spike OR is_over_budget)) AS alarm_budget_bytes,
    bool_or(in_window AND is_spike) AS any_spike,
    bool_or(in_window AND is_over_budget) AS any_over_budget,
    count(*) FILTER (WHERE in_window AND (is_spike OR is_over_budget)) AS alarm_days
  FROM flagged
  GROUP BY account_id, workgroup
)
SELECT
  account_id || '/' || workgroup AS resource,
  CASE WHEN alarm_day IS NOT NULL THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN alarm_day IS NOT NULL THEN format(
      'workgroup {} in account {} scanned {} GiB on {}{}{}',
      workgroup, account_id, round(alarm_bytes / 1073741824.0, 2), strftime(alarm_day, '%Y-%m-%d'),
      CASE WHEN any_spike AND alarm_baseline_bytes IS NOT NULL
        THEN format(' ({}× its {}-day median of {} GiB)', round(alarm_bytes / nullif(alarm_baseline_bytes, 0), 1), $baseline_days, round(alarm_baseline_bytes / 1073741824.0, 2))
        ELSE '' END,
      CASE WHEN any_over_budget THEN format(' (budget {} GiB)', round(alarm_budget_bytes / 1073741824.0, 2)) ELSE '' END
    )
    ELSE format('workgroup {} in account {} scanned within its usual range', workgroup, account_id)
  END AS reason,
  consumer_domain AS domain,
  account_id,
  workgroup,
  alarm_day,
  alarm_days,
  alarm_bytes,
  alarm_baseline_bytes,
  alarm_budget_bytes
FROM per_workgroup

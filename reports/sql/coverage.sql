-- coverage: per account × region, days delivered, digest verification counts and the gap days.
SELECT
  account_id,
  region,
  count(*) AS days,
  count(*) FILTER (WHERE NOT is_gap) AS days_delivered,
  count(*) FILTER (WHERE is_gap) AS gap_days,
  min(day) FILTER (WHERE NOT is_gap) AS first_day,
  max(day) FILTER (WHERE NOT is_gap) AS last_day,
  sum(objects) AS objects,
  sum(events) AS events,
  count(*) FILTER (WHERE verification = 'verified') AS verified_days,
  count(*) FILTER (WHERE verification = 'unverified') AS unverified_days,
  count(*) FILTER (WHERE verification = 'mismatch') AS mismatch_days,
  count(*) FILTER (WHERE verification = 'missing') AS missing_days,
  coalesce(list(strftime(day, '%Y-%m-%d') ORDER BY day) FILTER (WHERE is_gap), []) AS gap_day_list
FROM cloudtrail_coverage
WHERE day >= $since_day::DATE AND day < $until_day::DATE
GROUP BY account_id, region
ORDER BY account_id, region

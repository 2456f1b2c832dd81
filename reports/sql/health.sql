-- health: per data product, freshness against its SLA, breaches overlapping the window, usage, owner.
SELECT
  f.product,
  f.table_fqn AS "table",
  f.domain,
  f.status,
  f.last_update_at,
  f.lag_hours,
  f.warn_lag_hours,
  f.max_lag_hours,
  f.cadence,
  f.sla_text,
  coalesce(b.breaches, 0) AS breaches,
  coalesce(b.ongoing, false) AS breach_ongoing,
  f.completeness,
  f.present_partitions,
  f.expected_partitions,
  f.consumers_30d,
  f.queries_30d,
  f.owner,
  f.owner_contact,
  f.as_of
FROM product_freshness AS f
LEFT JOIN (
  SELECT product, count(*) AS breaches, bool_or(breach_end_at IS NULL) AS ongoing
  FROM product_breaches
  WHERE breach_start_at < $until::TIMESTAMP
    AND (breach_end_at IS NULL OR breach_end_at > $since::TIMESTAMP)
  GROUP BY product
) AS b ON b.product = f.product
WHERE $domain::VARCHAR IS NULL OR f.domain = $domain::VARCHAR
ORDER BY CASE f.status WHEN 'breached' THEN 0 WHEN 'unknown' THEN 1 WHEN 'late' THEN 2 WHEN 'fresh' THEN 3 ELSE 4 END, f.product

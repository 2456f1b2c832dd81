-- health: the breach intervals overlapping the window, for the bundle and dashboards.
SELECT product, table_fqn AS "table", domain, account_id, breach_start_at, breach_end_at, duration_hours
FROM product_breaches
WHERE breach_start_at < $until::TIMESTAMP
  AND (breach_end_at IS NULL OR breach_end_at > $since::TIMESTAMP)
  AND ($domain::VARCHAR IS NULL OR domain = $domain::VARCHAR)
ORDER BY breach_start_at, product

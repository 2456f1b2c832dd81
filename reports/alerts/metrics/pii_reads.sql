-- inputs: pii_access_history
-- Allowed PII reads in the day before now, per producer domain and table.
SELECT
  'PiiReads' AS metric_name,
  'Count' AS unit,
  CAST(count(*) AS DOUBLE) AS value,
  $now::TIMESTAMP AS measured_at,
  producer_domain AS domain,
  table_fqn AS product
FROM pii_access_history
WHERE outcome = 'allowed'
  AND event_time >= $now::TIMESTAMP - INTERVAL 1 DAY
  AND event_time < $now::TIMESTAMP
GROUP BY producer_domain, table_fqn

-- inputs: grant_drift
-- Lake Formation grants that differ from the declared state (unused grants left out), per domain.
SELECT
  'GrantDriftCount' AS metric_name,
  'Count' AS unit,
  CAST(count(*) AS DOUBLE) AS value,
  $now::TIMESTAMP AS measured_at,
  coalesce(domain, 'unknown') AS domain,
  NULL AS product
FROM grant_drift
WHERE kind <> 'unused'
GROUP BY coalesce(domain, 'unknown')

-- who-queried --summary: the accesses who-queried lists (`accesses`: who-queried.sql with the same
-- parameters, prepended as a CTE by the caller), one row per way in: who (the principal and its ARN), from which account and domain, through which
-- engine, with which outcome and grant path; how often, in how many queries, how many bytes, first
-- and last. The busiest way in to each table first.
SELECT
  a."table",
  a.principal,
  a.principal_arn,
  a.account_id,
  a.domain,
  a.service,
  a.outcome,
  a.grant_path,
  count(*) AS accesses,
  count(DISTINCT a.query_id) AS queries,
  sum(a.bytes_scanned) AS bytes_scanned,
  min(a.event_time) AS first_access_at,
  max(a.event_time) AS last_access_at
FROM accesses AS a
GROUP BY ALL
ORDER BY a."table", accesses DESC, a.principal, a.principal_arn, a.account_id, a.outcome, a.grant_path NULLS LAST

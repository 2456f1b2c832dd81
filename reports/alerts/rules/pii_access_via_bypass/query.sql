-- One row per PII table read in the lookback window: alarm when any allowed read of it went
-- through IAM_ALLOWED_PRINCIPALS, ok when every read used a Lake Formation grant.
WITH reads AS (
  SELECT *
  FROM pii_access_history
  WHERE outcome = 'allowed'
    AND event_time >= $now::TIMESTAMP - to_days(CAST($lookback_days AS INTEGER))
    AND event_time < $now::TIMESTAMP
),
per_table AS (
  SELECT
    table_fqn,
    any_value(producer_domain) AS producer_domain,
    any_value(producer_account_id) AS producer_account_id,
    count(*) FILTER (WHERE grant_path = 'iam_allowed_principals') AS bypass_reads,
    count(*) AS reads,
    list_sort(list_distinct(list(principal) FILTER (WHERE grant_path = 'iam_allowed_principals'))) AS bypass_principals,
    max(event_time) FILTER (WHERE grant_path = 'iam_allowed_principals') AS last_bypass_at
  FROM reads
  GROUP BY table_fqn
)
SELECT
  table_fqn AS resource,
  CASE WHEN bypass_reads > 0 THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN bypass_reads > 0 THEN format(
      '{} read(s) of PII table {} went through IAM_ALLOWED_PRINCIPALS (by {}; last {})',
      bypass_reads, table_fqn, array_to_string(bypass_principals, ', '), strftime(last_bypass_at, '%Y-%m-%dT%H:%MZ')
    )
    ELSE format('all {} read(s) of {} used Lake Formation grants', reads, table_fqn)
  END AS reason,
  producer_domain AS domain,
  producer_account_id AS account_id,
  table_fqn,
  bypass_reads,
  reads,
  array_to_string(bypass_principals, ', ') AS bypass_principals,
  last_bypass_at
FROM per_table

-- One row per (principal, PII table) pair with allowed reads in the lookback window: alarm when any
-- of them went through IAM_ALLOWED_PRINCIPALS, ok when every read used a Lake Formation grant.
WITH reads AS (
  SELECT *
  FROM pii_access_history
  WHERE outcome = 'allowed'
    AND event_time >= $now::TIMESTAMP - to_days(CAST($lookback_days AS INTEGER))
    AND event_time < $now::TIMESTAMP
),
per_reader AS (
  SELECT
    principal,
    table_fqn,
    any_value(producer_domain) AS producer_domain,
    any_value(producer_account_id) AS producer_account_id,
    arg_max(account_id, event_time) AS reader_account_id,
    arg_max(principal_arn, event_time) AS principal_arn,
    count(*) FILTER (WHERE grant_path = 'iam_allowed_principals') AS bypass_reads,
    count(*) AS reads,
    max(event_time) FILTER (WHERE grant_path = 'iam_allowed_principals') AS last_bypass_at,
    arg_max(grant_detail, event_time) FILTER (WHERE grant_path = 'iam_allowed_principals') AS bypass_grant
  FROM reads
  GROUP BY principal, table_fqn
)
SELECT
  principal || '@' || table_fqn AS resource,
  CASE WHEN bypass_reads > 0 THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN bypass_reads > 0 THEN format(
      '{} read PII table {} through IAM_ALLOWED_PRINCIPALS {} time(s), last at {} (account {})',
      principal, table_fqn, bypass_reads, strftime(last_bypass_at, '%Y-%m-%dT%H:%MZ'), coalesce(reader_account_id, '?')
    )
    ELSE format('all {} read(s) of {} by {} used Lake Formation grants', reads, table_fqn, principal)
  END AS reason,
  producer_domain AS domain,
  producer_account_id AS account_id,
  principal,
  principal_arn,
  table_fqn,
  reader_account_id,
  bypass_reads,
  reads,
  last_bypass_at,
  bypass_grant
FROM per_reader

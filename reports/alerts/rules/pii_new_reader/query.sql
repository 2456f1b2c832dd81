-- One row per (principal, PII table) pair that has ever read it: alarm when the first allowed PII
-- read (is_new_reader) falls within the lookback window, ok once it is older.
WITH first_reads AS (
  SELECT
    principal,
    table_fqn,
    arg_min(principal_arn, event_time) AS principal_arn,
    arg_min(account_id, event_time) AS reader_account_id,
    arg_min(consumer_domain, event_time) AS reader_domain,
    arg_min(producer_domain, event_time) AS producer_domain,
    arg_min(producer_account_id, event_time) AS producer_account_id,
    arg_min(query_id, event_time) AS query_id,
    arg_min(grant_path, event_time) AS grant_path,
    min(event_time) AS first_read_at
  FROM pii_access_history
  WHERE is_new_reader AND outcome = 'allowed'
  GROUP BY principal, table_fqn
)
SELECT
  principal || '@' || table_fqn AS resource,
  CASE WHEN first_read_at >= $now::TIMESTAMP - to_days(CAST($lookback_days AS INTEGER)) THEN 'alarm' ELSE 'ok' END AS status,
  format(
    '{} ({}) read PII table {} for the first time at {} (account {}, via {}){}',
    principal, coalesce(reader_domain, 'unknown domain'), table_fqn, strftime(first_read_at, '%Y-%m-%dT%H:%MZ'),
    coalesce(reader_account_id, '?'), coalesce(grant_path, 'unknown grant'),
    CASE WHEN first_read_at >= $now::TIMESTAMP - to_days(CAST($lookback_days AS INTEGER)) THEN ''
      ELSE format('; older than the {}-day review window', $lookback_days) END
  ) AS reason,
  producer_domain AS domain,
  producer_account_id AS account_id,
  principal,
  principal_arn,
  table_fqn,
  reader_account_id,
  reader_domain,
  query_id,
  grant_path,
  first_read_at
FROM first_reads

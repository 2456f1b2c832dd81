-- pii-access: every PII access in the window (allowed only unless $include_denied), oldest first.
SELECT
  event_time,
  table_fqn AS "table",
  producer_domain,
  principal,
  principal_kind,
  principal_arn,
  account_id,
  consumer_domain AS domain,
  service,
  query_id,
  query_text AS query,
  bytes_scanned,
  outcome,
  pii_level,
  pii_columns,
  grant_path,
  is_new_reader
FROM pii_access_history
WHERE event_time >= $since::TIMESTAMP
  AND event_time < $until::TIMESTAMP
  AND ($include_denied::BOOLEAN OR outcome = 'allowed')
ORDER BY event_time, query_id, table_fqn

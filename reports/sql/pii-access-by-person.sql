-- pii-access --by person: the PII accesses of the window summed per principal, most active first.
SELECT
  principal,
  any_value(principal_kind) AS principal_kind,
  string_agg(DISTINCT consumer_domain, ', ' ORDER BY consumer_domain) AS domains,
  count(*) AS accesses,
  count(DISTINCT table_fqn) AS table_count,
  count(*) FILTER (WHERE outcome = 'denied') AS denied,
  sum(bytes_scanned) AS bytes_scanned,
  min(event_time) AS first_access_at,
  max(event_time) AS last_access_at,
  string_agg(DISTINCT table_fqn, ', ' ORDER BY table_fqn) AS tables
FROM pii_access_history
WHERE event_time >= $since::TIMESTAMP
  AND event_time < $until::TIMESTAMP
  AND ($include_denied::BOOLEAN OR outcome = 'allowed')
GROUP BY principal
ORDER BY accesses DESC, principal

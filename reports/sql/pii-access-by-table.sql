-- pii-access --by table: the PII accesses of the window summed per table, most read first.
SELECT
  table_fqn AS "table",
  producer_domain,
  count(*) AS accesses,
  count(DISTINCT principal) AS readers,
  count(*) FILTER (WHERE is_new_reader) AS new_readers,
  count(*) FILTER (WHERE outcome = 'denied') AS denied,
  sum(bytes_scanned) AS bytes_scanned,
  min(event_time) AS first_access_at,
  max(event_time) AS last_access_at,
  string_agg(DISTINCT principal, ', ' ORDER BY principal) AS principals
FROM pii_access_history
WHERE event_time >= $since::TIMESTAMP
  AND event_time < $until::TIMESTAMP
  AND ($include_denied::BOOLEAN OR outcome = 'allowed')
GROUP BY table_fqn, producer_domain
ORDER BY accesses DESC, "table"

-- who-queried: every access in the window to one table ($table), by one person ($principal), or
-- both; with $column, only accesses whose query text names the column or selects every column.
-- grant_path comes from data_access (every allowed access; null for denied ones).
SELECT
  a.event_time,
  a.table_fqn AS "table",
  a.principal,
  a.principal_arn,
  a.account_id,
  a.consumer_domain AS domain,
  a.service,
  a.query_id,
  a.query_text AS query,
  a.bytes_scanned,
  a.outcome,
  a.grant_path
FROM data_access AS a
WHERE a.event_time >= $since::TIMESTAMP
  AND a.event_time < $until::TIMESTAMP
  AND ($table::VARCHAR IS NULL OR lower(a.table_fqn) = lower($table::VARCHAR))
  AND ($principal::VARCHAR IS NULL
       OR a.principal = $principal::VARCHAR
       OR a.human_name = $principal::VARCHAR
       OR a.principal_arn = $principal::VARCHAR)
  AND ($column::VARCHAR IS NULL
       OR regexp_matches(coalesce(a.query_text, ''), '(^|[^A-Za-z0-9_])' || $column::VARCHAR || '([^A-Za-z0-9_]|$)', 'i')
       OR regexp_matches(coalesce(a.query_text, ''), 'select\s+(distinct\s+)?([A-Za-z_][A-Za-z0-9_]*\.)?\*', 'i'))
ORDER BY a.event_time, a.query_id, a.table_fqn

-- drift: grant drift items, critical first; $since/$until (optional) keep items changed in that time.
SELECT
  severity,
  kind,
  account_id,
  domain,
  principal,
  resource,
  permissions,
  changed_by_name,
  changed_by,
  changed_at,
  event_name,
  declared_address,
  detail,
  drift_id,
  event_id
FROM grant_drift
WHERE ($since::TIMESTAMP IS NULL OR changed_at >= $since::TIMESTAMP)
  AND ($until::TIMESTAMP IS NULL OR changed_at < $until::TIMESTAMP)
  AND (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END) <= $max_rank::INTEGER
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
  kind, account_id, resource, principal

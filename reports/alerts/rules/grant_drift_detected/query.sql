-- One row per drift item of an alarming kind; a drift item that is fixed disappears from
-- grant_drift, which resolves its alert. Severity comes from the mart (critical for
-- iam_allowed_principals and external, high on PII resources, ...).
SELECT
  account_id || '|' || principal || '|' || resource AS resource,
  'alarm' AS status,
  format(
    '{} grant: {} on {} in account {}{}{}',
    kind, principal, resource, account_id,
    CASE WHEN permissions IS NULL THEN '' ELSE format(' ({})', CAST(permissions AS VARCHAR)) END,
    CASE
      WHEN changed_by_name IS NOT NULL THEN format(' — {} by {} at {}', event_name, changed_by_name, strftime(changed_at, '%Y-%m-%dT%H:%MZ'))
      WHEN kind = 'missing' THEN ' — declared but not in Lake Formation'
      ELSE ''
    END
  ) AS reason,
  severity,
  domain,
  account_id,
  kind,
  principal,
  resource AS lf_resource,
  CAST(permissions AS VARCHAR) AS permissions,
  declared_address,
  changed_by,
  changed_by_name,
  changed_at,
  event_name,
  event_id,
  drift_id
FROM grant_drift
WHERE list_contains(string_split($kinds, ','), kind)

-- One row per account with Lake Formation settings: alarm while the default permissions for new
-- databases/tables include IAM_ALLOWED_PRINCIPALS, ok once they are turned off.
SELECT
  s.account_id AS resource,
  CASE WHEN s.iam_allowed_principals_default THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN s.iam_allowed_principals_default THEN format(
      'account {} grants IAM_ALLOWED_PRINCIPALS by default on new databases/tables{}',
      s.account_id,
      CASE WHEN s.changed_by IS NULL THEN '' ELSE format(' (PutDataLakeSettings by {} at {})', s.changed_by, strftime(s.changed_at, '%Y-%m-%dT%H:%MZ')) END
    )
    ELSE format('account {} uses Lake Formation permissions for new databases and tables', s.account_id)
  END AS reason,
  -- The domain comes from the account map (evaluate.ts fills it in for rows without one).
  NULL AS domain,
  s.account_id,
  s.snapshot_at,
  s.changed_at,
  s.changed_by
FROM lf_settings_current AS s

-- Declared (Terraform) against actual (newest ListPermissions snapshot per account) Lake Formation
-- grants, keyed by (account, principal, canonical resource) — DEFINITIONS.md "Grant drift" — with
-- who made the change and when from CloudTrail.
WITH accounts AS (
  SELECT * FROM {{ ref('stg_accounts') }}
),

actual AS (
  SELECT * FROM {{ ref('stg_lf_permissions') }}
  QUALIFY snapshot_at = max(snapshot_at) OVER (PARTITION BY account_id)
),

declared AS (
  SELECT * FROM {{ ref('stg_declared_grants') }}
),

tagged_tables AS (
  SELECT
    account_id,
    database_name,
    table_name,
    bool_or(tag_key = {{ param('pii.tag_key') }} AND list_has_any(tag_values, {{ param('pii.tag_values') }})) AS is_pii
  FROM {{ ref('stg_lf_resource_tags') }}
  WHERE level IN ('table', 'column')
  GROUP BY ALL
),

undeclared AS (
  SELECT
    a.account_id, a.principal, a.resource, a.resource_type, a.database_name, a.table_name, a.permissions,
    a.lf_tag_expression,
    t.table_name IS NOT NULL AS on_tagged_table,
    coalesce(t.is_pii, false) AS on_pii_table,
    -- an account id or ARN whose account is not in the organisation's account map
    coalesce(regexp_extract(a.principal, '^([0-9]{12})$', 1), regexp_extract(a.principal, '^arn:[a-z-]+:[a-z]+::([0-9]{12}):', 1), '') AS principal_account
  FROM actual AS a
  LEFT JOIN tagged_tables AS t
    ON t.account_id = a.account_id AND t.database_name = a.database_name AND t.table_name = a.table_name
   AND a.resource_type IN ('TABLE', 'TABLE_WITH_COLUMNS')
  WHERE NOT EXISTS (
    SELECT 1 FROM declared AS d
    WHERE d.account_id = a.account_id AND d.principal = a.principal AND d.resource = a.resource
  )
),

undeclared_kinds AS (
  SELECT
    u.*,
    CASE
      WHEN u.principal = 'IAM_ALLOWED_PRINCIPALS' THEN 'iam_allowed_principals'
      WHEN u.principal_account <> '' AND u.principal_account NOT IN (SELECT account_id FROM accounts) THEN 'external'
      WHEN u.on_tagged_table THEN 'named_grant_on_tagged_resource'
      ELSE 'unexpected'
    END AS kind,
    'grant' AS change_action
  FROM undeclared AS u
),

missing AS (
  SELECT d.account_id, d.principal, d.resource, d.permissions, d.address, 'missing' AS kind, 'revoke' AS change_action
  FROM declared AS d
  WHERE NOT EXISTS (
    SELECT 1 FROM actual AS a
    WHERE a.account_id = d.account_id AND a.principal = d.principal AND a.resource = d.resource
  )
),

-- accesses that used a declared grant: the principal (role, user or its account) read a table the resource covers
present_declared AS (
  SELECT d.*
  FROM declared AS d
  WHERE EXISTS (
    SELECT 1 FROM actual AS a
    WHERE a.account_id = d.account_id AND a.principal = d.principal AND a.resource = d.resource
  )
  AND d.resource_type IN ('DATABASE', 'TABLE', 'TABLE_WITH_COLUMNS', 'LF_TAG_POLICY')
  -- only grants that let the principal read data can go unused by not reading it
  AND list_has_any(d.permissions, ['SELECT', 'ALL'])
),

table_tags AS (
  SELECT account_id, database_name, table_name, tag_key, tag_values
  FROM {{ ref('stg_lf_resource_tags') }}
  WHERE level IN ('database', 'table')
),

recent_accesses AS (
  SELECT *
  FROM {{ ref('data_access') }}
  WHERE outcome = 'allowed'
    AND event_time >= {{ param('now') }} - to_days(CAST({{ param('drift.unused_after_days') }} AS INTEGER))
    AND event_time < {{ param('now') }}
),

grant_uses AS (
  SELECT DISTINCT d.address
  FROM present_declared AS d
  JOIN recent_accesses AS r
    ON r.producer_account_id = d.account_id
   AND d.principal IN (r.principal_role_arn, regexp_replace(coalesce(r.principal_role_arn, ''), ':role/.*/', ':role/'), r.principal_arn, r.account_id)
  WHERE (d.resource_type IN ('TABLE', 'TABLE_WITH_COLUMNS') AND r.database_name = d.database_name AND d.table_name IN (r.table_name, '*'))
     OR (d.resource_type = 'DATABASE' AND r.database_name = d.database_name)
     OR (d.resource_type = 'LF_TAG_POLICY' AND NOT EXISTS (
          SELECT 1
          FROM (SELECT unnest(string_split(split_part(d.resource, ':', 3), ';')) AS condition) AS c
          WHERE NOT EXISTS (
            SELECT 1 FROM table_tags AS t
            WHERE t.account_id = r.producer_account_id AND t.database_name = r.database_name
              AND (t.table_name = r.table_name OR t.table_name IS NULL)
              AND t.tag_key = split_part(c.condition, '=', 1)
              AND list_has_any(t.tag_values, string_split(split_part(c.condition, '=', 2), '|'))
          )
        ))
),

unused AS (
  SELECT d.account_id, d.principal, d.resource, d.permissions, d.address, 'unused' AS kind, 'grant' AS change_action
  FROM present_declared AS d
  WHERE d.address NOT IN (SELECT address FROM grant_uses)
),

-- one row per default-permissions setting that lets IAM_ALLOWED_PRINCIPALS bypass Lake Formation
settings AS (
  SELECT account_id, 'IAM_ALLOWED_PRINCIPALS' AS principal, 'settings:' || setting AS resource, ['ALL'] AS permissions,
    'iam_allowed_principals' AS kind, 'settings' AS change_action
  FROM (
    SELECT account_id, 'CreateDatabaseDefaultPermissions' AS setting FROM {{ ref('lf_settings_current') }} WHERE database_default_iam_allowed
    UNION ALL
    SELECT account_id, 'CreateTableDefaultPermissions' FROM {{ ref('lf_settings_current') }} WHERE table_default_iam_allowed
  )
),

items AS (
  SELECT account_id, principal, resource, permissions, kind, change_action, NULL AS address, on_pii_table AS on_pii FROM undeclared_kinds
  UNION ALL
  SELECT account_id, principal, resource, permissions, kind, change_action, address, false FROM missing
  UNION ALL
  SELECT account_id, principal, resource, permissions, kind, change_action, address, false FROM unused
  UNION ALL
  SELECT account_id, principal, resource, permissions, kind, change_action, NULL, false FROM settings
),

changes AS (
  SELECT * FROM {{ ref('stg_lf_grant_events') }}
  WHERE event_time <= {{ param('now') }}
),

with_change AS (
  SELECT
    i.*,
    c.actor_arn AS changed_by,
    c.actor AS changed_by_name,
    c.event_time AS changed_at,
    c.event_name,
    c.event_id
  FROM items AS i
  LEFT JOIN changes AS c
    ON c.account_id = i.account_id AND c.action = i.change_action
   AND (i.change_action = 'settings' OR (c.principal = i.principal AND c.resource = i.resource))
  QUALIFY row_number() OVER (
    PARTITION BY i.kind, i.account_id, i.principal, i.resource ORDER BY c.event_time DESC NULLS LAST, c.event_id
  ) = 1
),

final AS (
  SELECT
    md5(w.kind || '|' || w.account_id || '|' || w.principal || '|' || w.resource) AS drift_id,
    w.kind,
    CASE
      WHEN w.kind IN ('iam_allowed_principals', 'external') THEN 'critical'
      WHEN w.kind IN ('unexpected', 'named_grant_on_tagged_resource') AND w.on_pii THEN 'high'
      WHEN w.kind IN ('unexpected', 'named_grant_on_tagged_resource', 'missing') THEN 'medium'
      ELSE 'low'
    END AS severity,
    w.account_id,
    a.domain,
    w.principal,
    w.resource,
    w.permissions,
    coalesce(w.address, (
      SELECT min(d.address) FROM declared AS d WHERE d.account_id = w.account_id AND d.resource = w.resource
    )) AS declared_address,
    w.changed_by,
    w.changed_by_name,
    w.changed_at,
    w.event_name,
    w.event_id,
    CASE w.kind
      WHEN 'iam_allowed_principals' THEN 'Lake Formation is bypassed: IAM_ALLOWED_PRINCIPALS holds ' || array_to_string(w.permissions, ',') || ' on ' || w.resource
      WHEN 'external' THEN 'granted to a principal outside the organisation'
      WHEN 'named_grant_on_tagged_resource' THEN 'a named grant on a table governed by LF-Tags'
      WHEN 'unexpected' THEN 'granted outside infrastructure as code'
      WHEN 'missing' THEN 'declared but absent from Lake Formation'
      ELSE 'declared and present, but unused for ' || CAST({{ param('drift.unused_after_days') }} AS VARCHAR) || ' days'
    END AS detail
  FROM with_change AS w
  LEFT JOIN accounts AS a ON a.account_id = w.account_id
)

SELECT * FROM final

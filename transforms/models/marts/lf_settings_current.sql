-- Each account's newest Lake Formation settings: are IAM_ALLOWED_PRINCIPALS default permissions on
-- (Lake Formation bypassed for new databases/tables), and who last changed the settings, when.
WITH newest AS (
  SELECT * FROM {{ source('lf_settings') }}
  WHERE account_id IS NOT NULL
  QUALIFY snapshot_at = max(snapshot_at) OVER (PARTITION BY account_id)
),

-- settings are regional: an account bypasses Lake Formation when any region's defaults do
settings AS (
  SELECT
    account_id,
    max(snapshot_at) AS snapshot_at,
    bool_or(contains(coalesce(CAST(create_database_default_permissions AS VARCHAR), ''), 'IAM_ALLOWED_PRINCIPALS')) AS database_default_iam_allowed,
    bool_or(contains(coalesce(CAST(create_table_default_permissions AS VARCHAR), ''), 'IAM_ALLOWED_PRINCIPALS')) AS table_default_iam_allowed,
    list_sort(list(DISTINCT region) FILTER (WHERE
      contains(coalesce(CAST(create_database_default_permissions AS VARCHAR), ''), 'IAM_ALLOWED_PRINCIPALS')
      OR contains(coalesce(CAST(create_table_default_permissions AS VARCHAR), ''), 'IAM_ALLOWED_PRINCIPALS'))) AS iam_allowed_regions
  FROM newest
  GROUP BY account_id
),

changes AS (
  SELECT account_id, max(event_time) AS changed_at, arg_max(actor_arn, event_time) AS changed_by, arg_max(actor, event_time) AS changed_by_name,
    arg_max(event_id, event_time) AS event_id
  FROM {{ ref('stg_lf_grant_events') }}
  WHERE action = 'settings' AND event_time <= {{ param('now') }}
  GROUP BY account_id
),

final AS (
  SELECT
    s.account_id,
    s.snapshot_at,
    s.database_default_iam_allowed OR s.table_default_iam_allowed AS iam_allowed_principals_default,
    s.database_default_iam_allowed,
    s.table_default_iam_allowed,
    coalesce(s.iam_allowed_regions, []) AS iam_allowed_regions,
    c.changed_at,
    c.changed_by,
    c.changed_by_name,
    c.event_id AS change_event_id
  FROM settings AS s
  LEFT JOIN changes AS c USING (account_id)
)

SELECT * FROM final

-- The grant each allowed access went through (DEFINITIONS.md "PII access", grant_path): from the
-- producer's lf_permissions snapshot nearest before the access (else the earliest after), first
-- match wins: IAM_ALLOWED_PRINCIPALS, a named grant, an LF-Tag policy the table's tags satisfy at
-- the time of access.
WITH accesses AS (
  SELECT * FROM {{ ref('int_data_access') }}
  WHERE outcome = 'allowed'
),

-- grant path: the producer's permissions snapshot nearest before the access, else the earliest after
snapshots AS (
  SELECT DISTINCT account_id, snapshot_at FROM {{ ref('stg_lf_permissions') }}
),

first_snapshots AS (
  SELECT account_id, min(snapshot_at) AS snapshot_at FROM snapshots GROUP BY account_id
),

access_snapshots AS (
  SELECT pa.access_id, coalesce(before.snapshot_at, first.snapshot_at) AS snapshot_at
  FROM accesses AS pa
  ASOF LEFT JOIN snapshots AS before ON before.account_id = pa.producer_account_id AND before.snapshot_at <= pa.event_time
  LEFT JOIN first_snapshots AS first ON first.account_id = pa.producer_account_id
),

access_grants AS (
  SELECT
    pa.access_id,
    pa.event_time,
    pa.producer_account_id,
    pa.database_name AS access_database,
    pa.table_name AS access_table,
    g.principal AS grant_principal,
    g.resource_type,
    g.resource,
    g.database_name,
    g.table_name,
    g.permissions,
    g.lf_tag_expression,
    g.principal IN (
      pa.principal_role_arn,
      regexp_replace(coalesce(pa.principal_role_arn, ''), ':role/.*/', ':role/'),
      pa.principal_arn,
      pa.account_id
    ) AS is_own_principal,
    ('table:' || pa.table_fqn) AS table_resource,
    ('table:' || pa.database_name || '.*') AS wildcard_resource,
    ('database:' || pa.database_name) AS database_resource
  FROM accesses AS pa
  JOIN access_snapshots AS s USING (access_id)
  JOIN {{ ref('stg_lf_permissions') }} AS g
    ON g.account_id = pa.producer_account_id AND g.snapshot_at = s.snapshot_at
),

-- an LF-Tag policy applies when the table (or its database) has every key with one of the values,
-- with the tags as they were at the time of access (same history rules as the PII tag)
policy_conditions AS (
  SELECT access_id, resource, producer_account_id, access_database, access_table, event_time, unnest(lf_tag_expression) AS condition
  FROM access_grants
  WHERE resource_type = 'LF_TAG_POLICY' AND is_own_principal AND len(lf_tag_expression) > 0
),

tag_changes AS (
  SELECT account_id || '|' || database_name || '|' || coalesce(table_name, '') || '|' || tag_key AS tag_resource_key, event_time, action, tag_values
  FROM {{ ref('stg_lf_tag_changes') }}
  WHERE level IN ('database', 'table')
),

first_tag_changes AS (
  SELECT tag_resource_key, arg_min(action, event_time) AS first_action, arg_min(tag_values, event_time) AS first_values
  FROM tag_changes
  GROUP BY tag_resource_key
),

snapshot_tag_values AS (
  SELECT account_id || '|' || database_name || '|' || coalesce(table_name, '') || '|' || tag_key AS tag_resource_key, tag_values
  FROM {{ ref('stg_lf_resource_tags') }}
  WHERE level IN ('database', 'table') AND NOT is_inherited
),

condition_resources AS (
  SELECT
    c.*,
    c.producer_account_id || '|' || c.access_database || '|' || level_table || '|' || c.condition."TagKey" AS tag_resource_key
  FROM policy_conditions AS c, unnest([c.access_table, '']) AS levels(level_table)
),

condition_values AS (
  SELECT
    cr.access_id,
    cr.resource,
    cr.condition,
    CASE
      WHEN ch.action IS NOT NULL THEN CASE WHEN ch.action = 'add' THEN ch.tag_values END
      WHEN f.first_action IS NOT NULL THEN CASE WHEN f.first_action = 'remove' THEN f.first_values END
      ELSE s.tag_values
    END AS values_at_access
  FROM condition_resources AS cr
  ASOF LEFT JOIN tag_changes AS ch ON ch.tag_resource_key = cr.tag_resource_key AND ch.event_time <= cr.event_time
  LEFT JOIN first_tag_changes AS f ON f.tag_resource_key = cr.tag_resource_key
  LEFT JOIN snapshot_tag_values AS s ON s.tag_resource_key = cr.tag_resource_key
),

satisfied_policies AS (
  SELECT access_id, resource
  FROM condition_values
  GROUP BY access_id, resource, condition."TagKey"
  HAVING bool_or(coalesce(list_has_any(values_at_access, condition."TagValues"), false))
),

policy_matches AS (
  SELECT access_id, resource, count(*) AS satisfied_keys FROM satisfied_policies GROUP BY access_id, resource
),

candidate_grants AS (
  SELECT
    g.access_id,
    g.grant_principal,
    g.resource,
    g.permissions,
    CASE
      WHEN g.grant_principal = 'IAM_ALLOWED_PRINCIPALS' AND g.resource IN (g.table_resource, g.wildcard_resource, g.database_resource) THEN 1
      WHEN g.is_own_principal AND g.resource_type IN ('TABLE', 'TABLE_WITH_COLUMNS')
        AND g.database_name = g.access_database AND g.table_name IN (g.access_table, '*') THEN 2
      WHEN g.is_own_principal AND g.resource_type = 'LF_TAG_POLICY'
        AND m.satisfied_keys = len(list_distinct(list_transform(g.lf_tag_expression, e -> e."TagKey"))) THEN 3
    END AS path_rank
  FROM access_grants AS g
  LEFT JOIN policy_matches AS m ON m.access_id = g.access_id AND m.resource = g.resource
),

grant_paths AS (
  SELECT
    access_id,
    min(path_rank) AS path_rank,
    min_by(detail, path_rank::VARCHAR || detail) AS grant_detail
  FROM (SELECT *, grant_principal || ' ' || resource || ' ' || array_to_string(permissions, ',') AS detail FROM candidate_grants)
  WHERE path_rank IS NOT NULL
  GROUP BY access_id
),

final AS (
  SELECT
    a.access_id,
    CASE
      WHEN gp.path_rank = 1 THEN 'iam_allowed_principals'
      WHEN gp.path_rank = 2 THEN 'named_grant'
      WHEN gp.path_rank = 3 THEN 'lf_tag_policy'
      ELSE 'unknown'
    END AS grant_path,
    gp.grant_detail
  FROM accesses AS a
  LEFT JOIN grant_paths AS gp USING (access_id)
)

SELECT * FROM final

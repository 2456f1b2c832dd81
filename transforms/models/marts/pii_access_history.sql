-- Accesses to tables that carried the PII tag at the time of access (DEFINITIONS.md "PII access"),
-- with the grant path from the producer's permissions snapshot nearest before the access.
WITH accesses AS (
  SELECT * FROM {{ ref('data_access') }}
),

pii_changes AS (
  SELECT
    account_id || '|' || database_name || '|' || coalesce(table_name, '') || '|' || coalesce(column_name, '') AS resource_key,
    event_time,
    action,
    list_has_any(tag_values, {{ param('pii.tag_values') }}) AS is_pii_value
  FROM {{ ref('stg_lf_tag_changes') }}
  WHERE tag_key = {{ param('pii.tag_key') }}
),

first_changes AS (
  SELECT resource_key, arg_min(action, event_time) AS first_action, arg_min(is_pii_value, event_time) AS first_is_pii
  FROM pii_changes
  GROUP BY resource_key
),

snapshot_tags AS (
  SELECT
    account_id || '|' || database_name || '|' || coalesce(table_name, '') || '|' || coalesce(column_name, '') AS resource_key,
    bool_or(list_has_any(tag_values, {{ param('pii.tag_values') }})) AS is_pii_value
  FROM {{ ref('stg_lf_resource_tags') }}
  WHERE tag_key = {{ param('pii.tag_key') }} AND NOT is_inherited
  GROUP BY 1
),

resources AS (
  SELECT DISTINCT
    resource_key,
    split_part(resource_key, '|', 1) AS account_id,
    split_part(resource_key, '|', 2) AS database_name,
    nullif(split_part(resource_key, '|', 3), '') AS table_name,
    nullif(split_part(resource_key, '|', 4), '') AS column_name
  FROM (SELECT resource_key FROM pii_changes UNION ALL SELECT resource_key FROM snapshot_tags)
),

-- every tagged resource that covers the accessed table: its database, the table, its columns
access_resources AS (
  SELECT a.access_id, a.event_time, r.resource_key, r.table_name AS resource_table, r.column_name
  FROM accesses AS a
  JOIN resources AS r
    ON r.account_id = a.producer_account_id
   AND r.database_name = a.database_name
   AND (r.table_name = a.table_name OR r.table_name IS NULL)
),

states AS (
  SELECT
    ar.*,
    c.action AS last_action,
    c.is_pii_value AS last_is_pii,
    c.event_time AS last_change_at,
    f.first_action,
    f.first_is_pii,
    s.is_pii_value AS snapshot_is_pii
  FROM access_resources AS ar
  ASOF LEFT JOIN pii_changes AS c ON c.resource_key = ar.resource_key AND c.event_time <= ar.event_time
  LEFT JOIN first_changes AS f ON f.resource_key = ar.resource_key
  LEFT JOIN snapshot_tags AS s ON s.resource_key = ar.resource_key
),

resource_pii AS (
  SELECT
    *,
    CASE
      WHEN last_action IS NOT NULL THEN last_action = 'add' AND last_is_pii
      WHEN first_action IS NOT NULL THEN first_action = 'remove' AND first_is_pii
      ELSE coalesce(snapshot_is_pii, false)
    END AS is_pii_at_access
  FROM states
),

pii_per_access AS (
  SELECT
    access_id,
    CASE WHEN bool_or(column_name IS NULL) THEN 'table' ELSE 'column' END AS pii_level,
    list_sort(list(DISTINCT column_name) FILTER (WHERE column_name IS NOT NULL)) AS pii_columns,
    max(CASE WHEN last_action = 'add' THEN last_change_at END) AS pii_tagged_since
  FROM resource_pii
  WHERE is_pii_at_access
  GROUP BY access_id
),

pii_accesses AS (
  SELECT a.*, p.pii_level, coalesce(p.pii_columns, []) AS pii_columns, p.pii_tagged_since
  FROM accesses AS a
  JOIN pii_per_access AS p USING (access_id)
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
  FROM pii_accesses AS pa
  ASOF LEFT JOIN snapshots AS before ON before.account_id = pa.producer_account_id AND before.snapshot_at <= pa.event_time
  LEFT JOIN first_snapshots AS first ON first.account_id = pa.producer_account_id
),

table_tags AS (
  SELECT account_id, database_name, table_name, tag_key, tag_values
  FROM {{ ref('stg_lf_resource_tags') }}
  WHERE level IN ('database', 'table')
),

access_grants AS (
  SELECT
    pa.access_id,
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
  FROM pii_accesses AS pa
  JOIN access_snapshots AS s USING (access_id)
  JOIN {{ ref('stg_lf_permissions') }} AS g
    ON g.account_id = pa.producer_account_id AND g.snapshot_at = s.snapshot_at
),

-- an LF-Tag policy applies when the table (or its database) has every key with one of the values
policy_conditions AS (
  SELECT access_id, resource, producer_account_id, access_database, access_table, unnest(lf_tag_expression) AS condition
  FROM access_grants
  WHERE resource_type = 'LF_TAG_POLICY' AND is_own_principal AND len(lf_tag_expression) > 0
),

satisfied_policies AS (
  SELECT c.access_id, c.resource
  FROM policy_conditions AS c
  LEFT JOIN table_tags AS t
    ON t.account_id = c.producer_account_id AND t.database_name = c.access_database
   AND (t.table_name = c.access_table OR t.table_name IS NULL)
   AND t.tag_key = c.condition."TagKey" AND list_has_any(t.tag_values, c.condition."TagValues")
  GROUP BY c.access_id, c.resource, c.condition."TagKey"
  HAVING count(t.tag_key) > 0
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

joined AS (
  SELECT
    pa.*,
    -- a denied access went through no grant
    CASE
      WHEN pa.outcome = 'denied' THEN NULL
      WHEN gp.path_rank = 1 THEN 'iam_allowed_principals'
      WHEN gp.path_rank = 2 THEN 'named_grant'
      WHEN gp.path_rank = 3 THEN 'lf_tag_policy'
      ELSE 'unknown'
    END AS grant_path,
    CASE WHEN pa.outcome = 'allowed' THEN gp.grant_detail END AS grant_detail
  FROM pii_accesses AS pa
  LEFT JOIN grant_paths AS gp USING (access_id)
),

final AS (
  SELECT
    *,
    outcome = 'allowed' AND row_number() OVER (
      PARTITION BY table_fqn, principal, outcome = 'allowed' ORDER BY event_time, access_id
    ) = 1 AS is_new_reader
  FROM joined
)

SELECT * FROM final

-- The grant each allowed access went through (DEFINITIONS.md "PII access", grant_path): from the
-- producer's lf_permissions snapshot nearest before the access (else the earliest after), first
-- match wins: IAM_ALLOWED_PRINCIPALS, a named grant, an LF-Tag policy the table's tags satisfy at
-- the time of access.
--
-- The path depends only on who read which table, the snapshot, and the table's and database's tags
-- at that time: it is worked out once per distinct combination of those (a "signature": a few
-- thousand, where accesses are millions) and handed to every access that shares it.
WITH accesses AS (
  SELECT access_id, event_time, principal_role_arn, principal_arn, account_id, producer_account_id,
    database_name, table_name, table_fqn
  FROM {{ ref('int_data_access') }}
  WHERE outcome = 'allowed'
),

-- grant path: the producer's permissions snapshot nearest before the access, else the earliest after
snapshots AS (
  SELECT DISTINCT account_id, snapshot_at FROM {{ ref('stg_lf_permissions') }}
),

first_snapshots AS (
  SELECT account_id, min(snapshot_at) AS snapshot_at FROM snapshots GROUP BY account_id
),

tag_changes AS (
  SELECT account_id || '|' || database_name || '|' || coalesce(table_name, '') AS tag_resource, tag_key, event_time, action, tag_values
  FROM {{ ref('stg_lf_tag_changes') }}
  WHERE level IN ('database', 'table')
),

tag_change_times AS (
  SELECT DISTINCT tag_resource, event_time FROM tag_changes
),

-- What an access sees (the snapshot, the last tag change of its table and of its database) changes
-- only at a few instants ("boundaries"). Accesses are bucketed by table and hour, and each bucket
-- is looked up once, at the hour's start: in an hour with no boundary inside, every access of the
-- bucket sees exactly that state. Only accesses in an hour with a boundary inside are looked up one
-- by one. (An ASOF join per access, carrying every column, cost ~1 s per 100k accesses.)
buckets AS (
  SELECT DISTINCT
    producer_account_id, database_name, table_name, date_trunc('hour', event_time) AS hour,
    producer_account_id || '|' || database_name || '|' || table_name AS table_key,
    producer_account_id || '|' || database_name || '|' AS database_key
  FROM accesses
),

bucket_states AS (
  SELECT
    b.producer_account_id, b.database_name, b.table_name, b.hour,
    coalesce(before.snapshot_at, first.snapshot_at) AS grant_snapshot_at,
    table_change.event_time AS table_tags_changed_at,
    database_change.event_time AS database_tags_changed_at,
    coalesce(
      least(next_snapshot.snapshot_at, next_table_change.event_time, next_database_change.event_time)
        < b.hour + INTERVAL 1 HOUR,
      false
    ) AS has_boundary_inside
  FROM buckets AS b
  ASOF LEFT JOIN snapshots AS before ON before.account_id = b.producer_account_id AND before.snapshot_at <= b.hour
  LEFT JOIN first_snapshots AS first ON first.account_id = b.producer_account_id
  ASOF LEFT JOIN tag_change_times AS table_change
    ON table_change.tag_resource = b.table_key AND table_change.event_time <= b.hour
  ASOF LEFT JOIN tag_change_times AS database_change
    ON database_change.tag_resource = b.database_key AND database_change.event_time <= b.hour
  ASOF LEFT JOIN snapshots AS next_snapshot
    ON next_snapshot.account_id = b.producer_account_id AND next_snapshot.snapshot_at > b.hour
  ASOF LEFT JOIN tag_change_times AS next_table_change
    ON next_table_change.tag_resource = b.table_key AND next_table_change.event_time > b.hour
  ASOF LEFT JOIN tag_change_times AS next_database_change
    ON next_database_change.tag_resource = b.database_key AND next_database_change.event_time > b.hour
),

bucketed AS (
  SELECT a.*, s.grant_snapshot_at, s.table_tags_changed_at, s.database_tags_changed_at, s.has_boundary_inside
  FROM accesses AS a
  JOIN bucket_states AS s
    ON s.producer_account_id IS NOT DISTINCT FROM a.producer_account_id
   AND s.database_name IS NOT DISTINCT FROM a.database_name
   AND s.table_name IS NOT DISTINCT FROM a.table_name
   AND s.hour IS NOT DISTINCT FROM date_trunc('hour', a.event_time)
),

looked_up_one_by_one AS (
  SELECT
    pa.* EXCLUDE (grant_snapshot_at, table_tags_changed_at, database_tags_changed_at, has_boundary_inside),
    coalesce(before.snapshot_at, first.snapshot_at) AS grant_snapshot_at,
    table_change.event_time AS table_tags_changed_at,
    database_change.event_time AS database_tags_changed_at
  FROM (SELECT * FROM bucketed WHERE has_boundary_inside) AS pa
  ASOF LEFT JOIN snapshots AS before ON before.account_id = pa.producer_account_id AND before.snapshot_at <= pa.event_time
  LEFT JOIN first_snapshots AS first ON first.account_id = pa.producer_account_id
  ASOF LEFT JOIN tag_change_times AS table_change
    ON table_change.tag_resource = pa.producer_account_id || '|' || pa.database_name || '|' || pa.table_name
   AND table_change.event_time <= pa.event_time
  ASOF LEFT JOIN tag_change_times AS database_change
    ON database_change.tag_resource = pa.producer_account_id || '|' || pa.database_name || '|'
   AND database_change.event_time <= pa.event_time
),

-- two accesses between the same tag changes of their table and of its database see the same tags
access_states AS (
  SELECT * EXCLUDE (has_boundary_inside) FROM bucketed WHERE NOT has_boundary_inside
  UNION ALL BY NAME
  SELECT * FROM looked_up_one_by_one
),

-- any member's time stands for the signature: no tag change of the table or database falls between
signatures AS (
  SELECT
    row_number() OVER () AS signature_id,
    *
  FROM (
    SELECT
      producer_account_id, database_name, table_name, table_fqn, principal_role_arn, principal_arn, account_id,
      grant_snapshot_at, table_tags_changed_at, database_tags_changed_at,
      min(event_time) AS event_time,
      list(access_id) AS access_ids
    FROM access_states
    GROUP BY ALL
  )
),

access_grants AS (
  SELECT
    pa.signature_id,
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
  FROM signatures AS pa
  JOIN {{ ref('stg_lf_permissions') }} AS g
    ON g.account_id = pa.producer_account_id AND g.snapshot_at = pa.grant_snapshot_at
),

-- an LF-Tag policy applies when the table (or its database) has every key with one of the values,
-- with the tags as they were at the time of access (same history rules as the PII tag)
policy_conditions AS (
  SELECT signature_id, resource, producer_account_id, access_database, access_table, event_time, unnest(lf_tag_expression) AS condition
  FROM access_grants
  WHERE resource_type = 'LF_TAG_POLICY' AND is_own_principal AND len(lf_tag_expression) > 0
),

tag_key_changes AS (
  SELECT tag_resource || '|' || tag_key AS tag_resource_key, event_time, action, tag_values
  FROM tag_changes
),

first_tag_changes AS (
  SELECT tag_resource_key, arg_min(action, event_time) AS first_action, arg_min(tag_values, event_time) AS first_values
  FROM tag_key_changes
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
    cr.signature_id,
    cr.resource,
    cr.condition,
    CASE
      WHEN ch.action IS NOT NULL THEN CASE WHEN ch.action = 'add' THEN ch.tag_values END
      WHEN f.first_action IS NOT NULL THEN CASE WHEN f.first_action = 'remove' THEN f.first_values END
      ELSE s.tag_values
    END AS values_at_access
  FROM condition_resources AS cr
  ASOF LEFT JOIN tag_key_changes AS ch ON ch.tag_resource_key = cr.tag_resource_key AND ch.event_time <= cr.event_time
  LEFT JOIN first_tag_changes AS f ON f.tag_resource_key = cr.tag_resource_key
  LEFT JOIN snapshot_tag_values AS s ON s.tag_resource_key = cr.tag_resource_key
),

satisfied_policies AS (
  SELECT signature_id, resource
  FROM condition_values
  GROUP BY signature_id, resource, condition."TagKey"
  HAVING bool_or(coalesce(list_has_any(values_at_access, condition."TagValues"), false))
),

policy_matches AS (
  SELECT signature_id, resource, count(*) AS satisfied_keys FROM satisfied_policies GROUP BY signature_id, resource
),

candidate_grants AS (
  SELECT
    g.signature_id,
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
  LEFT JOIN policy_matches AS m ON m.signature_id = g.signature_id AND m.resource = g.resource
),

grant_paths AS (
  SELECT
    signature_id,
    min(path_rank) AS path_rank,
    min_by(detail, path_rank::VARCHAR || detail) AS grant_detail
  FROM (SELECT *, grant_principal || ' ' || resource || ' ' || array_to_string(permissions, ',') AS detail FROM candidate_grants)
  WHERE path_rank IS NOT NULL
  GROUP BY signature_id
),

final AS (
  SELECT
    unnest(s.access_ids) AS access_id,
    CASE
      WHEN gp.path_rank = 1 THEN 'iam_allowed_principals'
      WHEN gp.path_rank = 2 THEN 'named_grant'
      WHEN gp.path_rank = 3 THEN 'lf_tag_policy'
      ELSE 'unknown'
    END AS grant_path,
    gp.grant_detail
  FROM signatures AS s
  LEFT JOIN grant_paths AS gp USING (signature_id)
)

SELECT * FROM final

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
-- (read from data_access with only the columns needed, not from the full `accesses` rows)
access_resources AS (
  SELECT a.access_id, a.event_time, r.resource_key, r.table_name AS resource_table, r.column_name
  FROM {{ ref('data_access') }} AS a
  JOIN resources AS r
    ON r.account_id = a.producer_account_id
   AND r.database_name = a.database_name
   AND (r.table_name = a.table_name OR r.table_name IS NULL)
),

-- the last PII-tag change before each access: looked up (an ASOF join, which sorts its input) only
-- for resources that have changes at all; the others have none to find
changed_resources AS (
  SELECT DISTINCT resource_key FROM pii_changes WHERE resource_key IS NOT NULL
),

last_changes AS (
  SELECT
    ar.*,
    c.action AS last_action,
    c.is_pii_value AS last_is_pii,
    c.event_time AS last_change_at
  FROM (SELECT * FROM access_resources WHERE resource_key IN (SELECT resource_key FROM changed_resources)) AS ar
  ASOF LEFT JOIN pii_changes AS c ON c.resource_key = ar.resource_key AND c.event_time <= ar.event_time
  UNION ALL BY NAME
  SELECT
    ar.*,
    CAST(NULL AS VARCHAR) AS last_action,
    CAST(NULL AS BOOLEAN) AS last_is_pii,
    CAST(NULL AS TIMESTAMP) AS last_change_at
  FROM access_resources AS ar
  WHERE ar.resource_key NOT IN (SELECT resource_key FROM changed_resources)
),

states AS (
  SELECT
    ar.*,
    f.first_action,
    f.first_is_pii,
    s.is_pii_value AS snapshot_is_pii
  FROM last_changes AS ar
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

joined AS (
  SELECT * FROM pii_accesses
),

-- each principal's first allowed read of each table (earliest, then lowest access_id; a read
-- without a time comes last), by aggregation rather than a window over the full rows
first_reads AS (
  SELECT arg_min(access_id, struct_pack(no_time := event_time IS NULL, t := coalesce(event_time, TIMESTAMP '-infinity'), id := access_id)) AS access_id
  FROM joined
  WHERE outcome = 'allowed'
  GROUP BY table_fqn, principal
),

final AS (
  SELECT
    *,
    outcome = 'allowed' AND access_id IN (SELECT access_id FROM first_reads) AS is_new_reader
  FROM joined
)

SELECT * FROM final

-- One row per access of a principal to a table (DEFINITIONS.md "Data access"): GetDataAccess events
-- with cross-account copies (same sharedEventID) folded, resource-link double events folded per
-- (query id, target table), joined to the Athena query and to the account map.
WITH events AS (
  -- only the columns used below: every row is copied through two aggregations and two joins
  SELECT
    event_id, event_time, fold_key, shared_event_id, recipient_account_id, principal_arn, principal_account_id,
    principal_kind, human_name, permission_set, role_arn, principal, lake_formation_principal, query_id, service,
    table_account_id, table_region, database_name, table_name, error_code, is_caller_copy
  FROM {{ ref('stg_lf_data_access') }}
),

-- the caller's own delivery represents its copies (hash aggregation, no sort)
copies AS (
  SELECT
    fold_key,
    arg_min(event_id, struct_pack(copy := NOT is_caller_copy, t := event_time, id := event_id)) AS representative_id,
    list_sort(list(event_id)) AS copy_event_ids,
    max(error_code) AS copies_error_code
  FROM events
  GROUP BY fold_key
),

-- joins are written with the side to hash on the right (the model runs with DuckDB's build-side
-- flip disabled, see the .yml)
copies_folded AS (
  SELECT e.*, c.copy_event_ids, c.copies_error_code
  FROM events AS e
  JOIN copies AS c ON e.event_id = c.representative_id
),

links AS (
  SELECT account_id, database_name, table_name, target_account_id, target_database_name, target_table_name
  FROM {{ ref('stg_glue_tables') }}
  WHERE is_resource_link
),

link_resolved AS (
  SELECT
    f.*,
    l.target_table_name IS NOT NULL AS is_link_event,
    CASE WHEN l.target_table_name IS NOT NULL THEN f.database_name || '.' || f.table_name END AS link_fqn,
    coalesce(l.target_account_id, f.table_account_id) AS target_account_id,
    coalesce(l.target_database_name, f.database_name) AS target_database_name,
    coalesce(l.target_table_name, f.table_name) AS target_table_name
  FROM copies_folded AS f
  LEFT JOIN links AS l
    ON l.account_id = f.table_account_id AND l.database_name = f.database_name AND l.table_name = f.table_name
),

keyed AS (
  SELECT
    *,
    coalesce(query_id, fold_key) || '|' || coalesce(target_account_id, '') || ':'
      || coalesce(target_database_name, '') || '.' || coalesce(target_table_name, '') AS access_key
  FROM link_resolved
),

access_groups AS (
  SELECT
    access_key,
    arg_min(event_id, struct_pack(link := is_link_event, copy := NOT is_caller_copy, t := event_time, id := event_id)) AS representative_id,
    list_sort(flatten(list(copy_event_ids))) AS event_ids,
    bool_or(is_link_event) AS via_resource_link,
    max(link_fqn) AS resource_link_fqn,
    max(copies_error_code) AS access_error_code
  FROM keyed
  GROUP BY access_key
),

links_folded AS (
  SELECT k.* EXCLUDE (copy_event_ids), g.event_ids, g.via_resource_link, g.resource_link_fqn, g.access_error_code
  FROM keyed AS k
  JOIN access_groups AS g ON k.event_id = g.representative_id
),

accounts AS (
  SELECT * FROM {{ ref('stg_accounts') }}
),

queries AS (
  SELECT * FROM {{ ref('stg_athena_queries') }}
),

joined AS (
  SELECT
    md5(a.access_key) AS access_id,
    a.event_time,
    a.query_id,
    coalesce(CASE WHEN a.is_caller_copy THEN a.principal END, q.principal, a.lake_formation_principal, a.principal) AS principal,
    coalesce(CASE WHEN a.is_caller_copy THEN a.principal_arn END, q.principal_arn, a.lake_formation_principal, a.principal_arn) AS principal_arn,
    coalesce(CASE WHEN a.is_caller_copy THEN a.principal_kind END, q.principal_kind, a.principal_kind) AS principal_kind,
    coalesce(CASE WHEN a.is_caller_copy THEN a.human_name END, q.human_name) AS human_name,
    CASE WHEN a.is_caller_copy THEN a.role_arn END AS principal_role_arn,
    a.permission_set,
    coalesce(CASE WHEN a.is_caller_copy THEN a.principal_account_id END, q.account_id, a.principal_account_id, a.recipient_account_id) AS account_id,
    a.service,
    q.workgroup,
    q.query_text,
    q.statement_type,
    q.query_state,
    q.bytes_scanned,
    a.target_database_name AS database_name,
    a.target_table_name AS table_name,
    a.target_database_name || '.' || a.target_table_name AS table_fqn,
    'arn:aws:glue:' || coalesce(a.table_region, '') || ':' || a.target_account_id || ':table/'
      || a.target_database_name || '/' || a.target_table_name AS table_arn,
    a.target_account_id AS producer_account_id,
    CASE WHEN a.access_error_code IS NOT NULL THEN 'denied' ELSE 'allowed' END AS outcome,
    a.access_error_code AS error_code,
    a.via_resource_link,
    a.resource_link_fqn,
    a.shared_event_id,
    a.event_ids
  FROM links_folded AS a
  LEFT JOIN queries AS q ON q.query_id = a.query_id
),

final AS (
  SELECT
    j.access_id, j.event_time, j.query_id, j.principal, j.principal_arn, j.principal_kind, j.human_name,
    j.permission_set, j.account_id, consumer.account_name, consumer.domain AS consumer_domain, j.service,
    j.workgroup, j.query_text, j.statement_type, j.query_state, j.bytes_scanned, j.database_name,
    j.table_name, j.table_fqn, j.table_arn, j.producer_account_id, producer.domain AS producer_domain,
    j.outcome, j.error_code, j.via_resource_link, j.resource_link_fqn, j.shared_event_id, j.event_ids,
    j.principal_role_arn
  FROM joined AS j
  LEFT JOIN accounts AS consumer ON consumer.account_id = j.account_id
  LEFT JOIN accounts AS producer ON producer.account_id = j.producer_account_id
)

SELECT * FROM final

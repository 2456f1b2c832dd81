-- LF-Tag coverage per account and database: how many tables carry any LF-Tag, and how many carry
-- the sensitivity key (pii.tag_key), from the newest Glue and LF-Tag snapshots. A database-level
-- tag covers every table of the database (Lake Formation inherits it). Resource links are not tables.
WITH tables AS (
  SELECT account_id, database_name, table_name
  FROM {{ ref('stg_glue_tables') }}
  WHERE NOT is_resource_link
),

tags AS (
  SELECT account_id, database_name, table_name, level, tag_key
  FROM {{ ref('stg_lf_resource_tags') }}
  WHERE level IN ('database', 'table')
),

tagged AS (
  SELECT
    t.account_id,
    t.database_name,
    t.table_name,
    count(g.tag_key) > 0 AS has_any_tag,
    coalesce(bool_or(g.tag_key = {{ param('pii.tag_key') }}), false) AS has_sensitivity_tag
  FROM tables AS t
  LEFT JOIN tags AS g
    ON g.account_id = t.account_id
    AND g.database_name = t.database_name
    AND (g.level = 'database' OR g.table_name = t.table_name)
  GROUP BY ALL
),

final AS (
  SELECT
    t.account_id,
    a.domain,
    t.database_name,
    count(*) AS tables,
    count(*) FILTER (WHERE has_any_tag) AS tagged_tables,
    count(*) FILTER (WHERE has_sensitivity_tag) AS sensitivity_tagged_tables,
    round(count(*) FILTER (WHERE has_any_tag) / count(*), 4) AS tag_coverage,
    round(count(*) FILTER (WHERE has_sensitivity_tag) / count(*), 4) AS sensitivity_coverage,
    coalesce(list_sort(list(table_name) FILTER (WHERE NOT has_any_tag)), []) AS untagged_tables
  FROM tagged AS t
  LEFT JOIN {{ ref('stg_accounts') }} AS a ON a.account_id = t.account_id
  GROUP BY ALL
)

SELECT * FROM final
ORDER BY account_id, database_name

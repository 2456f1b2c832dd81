-- LF-Tags on resources at the newest lf_resource_tags snapshot of each account.
WITH source AS (
  SELECT * FROM {{ source('lf_resource_tags') }}
  WHERE tag_key IS NOT NULL
),

newest AS (
  SELECT * FROM source
  QUALIFY snapshot_at = max(snapshot_at) OVER (PARTITION BY account_id)
),

final AS (
  SELECT DISTINCT
    snapshot_at,
    coalesce(catalog_id, account_id) AS account_id,
    database_name,
    CASE WHEN level IN ('table', 'column') THEN table_name END AS table_name,
    CASE WHEN level = 'column' THEN column_name END AS column_name,
    coalesce(level, CASE WHEN column_name IS NOT NULL THEN 'column' WHEN table_name IS NOT NULL THEN 'table' ELSE 'database' END) AS level,
    tag_key,
    list_sort(coalesce(tag_values, [])) AS tag_values
  FROM newest
)

SELECT * FROM final

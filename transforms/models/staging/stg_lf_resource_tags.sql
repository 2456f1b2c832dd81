-- LF-Tags on resources at the newest lf_resource_tags snapshot of each account.
WITH source AS (
  SELECT * FROM {{ source('lf_resource_tags') }}
  WHERE tag_key IS NOT NULL
),

newest AS (
  SELECT * FROM source
  QUALIFY snapshot_at = max(snapshot_at) OVER (PARTITION BY account_id)
),

typed AS (
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
),

-- GetResourceLFTags reports a table's tags again on each column (and a database's on each table):
-- a tag equal to its parent's is inherited, not a tag of its own
final AS (
  SELECT
    t.*,
    EXISTS (
      SELECT 1 FROM typed AS parent
      WHERE parent.account_id = t.account_id AND parent.database_name = t.database_name
        AND parent.tag_key = t.tag_key AND parent.tag_values = t.tag_values
        AND (
          (t.level = 'column' AND parent.level = 'table' AND parent.table_name = t.table_name)
          OR (t.level = 'table' AND parent.level = 'database')
        )
    ) AS is_inherited
  FROM typed AS t
)

SELECT * FROM final

-- One row per access of a principal to a table (DEFINITIONS.md "Data access"), with the grant the
-- allowed ones went through (null for denied accesses).
WITH accesses AS (
  SELECT * FROM {{ ref('int_data_access') }}
),

grant_paths AS (
  SELECT * FROM {{ ref('int_access_grant_paths') }}
),

final AS (
  SELECT a.*, g.grant_path, g.grant_detail
  FROM accesses AS a
  LEFT JOIN grant_paths AS g USING (access_id)
)

SELECT * FROM final

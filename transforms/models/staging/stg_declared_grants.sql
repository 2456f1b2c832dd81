-- Lake Formation grants declared as code (sources.declared_grants), keyed like stg_lf_permissions.
WITH source AS (
  SELECT * FROM {{ source('declared_grants') }}
  WHERE principal IS NOT NULL AND resource IS NOT NULL
),

-- a declared grant without a catalog id belongs to the account whose catalog holds its database
database_owners AS (
  SELECT database_name, min(account_id) AS account_id
  FROM {{ ref('stg_glue_tables') }}
  GROUP BY database_name
  HAVING count(DISTINCT account_id) = 1
),

final AS (
  SELECT
    coalesce(s.account_id, o.account_id) AS account_id,
    s.principal,
    s.resource_type,
    s.resource,
    s.database_name,
    s.table_name,
    list_sort(coalesce(s.permissions, [])) AS permissions,
    list_sort(coalesce(s.permissions_with_grant_option, [])) AS permissions_with_grant_option,
    s.address
  FROM source AS s
  LEFT JOIN database_owners AS o ON o.database_name = s.database_name
)

SELECT * FROM final

-- Lake Formation grants from every ListPermissions snapshot, each with its canonical resource string
-- (DEFINITIONS.md "Grant drift") so declared and actual grants compare as text.
WITH source AS (
  SELECT * FROM {{ source('lf_permissions') }}
  WHERE principal IS NOT NULL
),

renamed AS (
  SELECT
    snapshot_at,
    account_id,
    region,
    principal,
    upper(resource_type) AS resource_type,
    coalesce(catalog_id, account_id) AS catalog_id,
    database_name,
    table_name,
    list_sort(coalesce(column_names, [])) AS column_names,
    list_sort(coalesce(excluded_column_names, [])) AS excluded_column_names,
    column_wildcard,
    data_location_arn,
    lf_tag_key,
    list_sort(coalesce(lf_tag_values, [])) AS lf_tag_values,
    upper(lf_tag_policy_resource_type) AS lf_tag_policy_resource_type,
    TRY_CAST(lf_tag_expression AS STRUCT("TagKey" VARCHAR, "TagValues" VARCHAR[])[]) AS lf_tag_expression,
    list_sort(coalesce(permissions, [])) AS permissions,
    list_sort(coalesce(permissions_with_grant_option, [])) AS permissions_with_grant_option,
    last_updated,
    last_updated_by
  FROM source
),

canonical AS (
  SELECT
    *,
    CASE resource_type
      WHEN 'CATALOG' THEN 'catalog'
      WHEN 'DATABASE' THEN 'database:' || database_name
      WHEN 'TABLE' THEN 'table:' || database_name || '.' || coalesce(table_name, '*')
      WHEN 'TABLE_WITH_COLUMNS' THEN 'columns:' || database_name || '.' || table_name || '(' ||
        CASE
          WHEN len(column_names) > 0 THEN array_to_string(column_names, ',')
          WHEN len(excluded_column_names) > 0 THEN '* except ' || array_to_string(excluded_column_names, ',')
          ELSE '*'
        END || ')'
      WHEN 'DATA_LOCATION' THEN 'data-location:' || data_location_arn
      WHEN 'LF_TAG' THEN 'lftag:' || lf_tag_key || '=' || array_to_string(lf_tag_values, '|')
      WHEN 'LF_TAG_POLICY' THEN 'lftag-policy:' || coalesce(lf_tag_policy_resource_type, 'TABLE') || ':' || array_to_string(
        list_sort(list_transform(lf_tag_expression, e -> e."TagKey" || '=' || array_to_string(list_sort(e."TagValues"), '|'))), ';')
      ELSE lower(resource_type) || ':' || coalesce(database_name, '') || '.' || coalesce(table_name, '')
    END AS resource
  FROM renamed
),

final AS (
  SELECT * FROM canonical
)

SELECT * FROM final

-- Glue tables at their newest snapshot: resource links resolved to their target, size for the
-- chargeback matrix's `bytes` split.
WITH source AS (
  SELECT * FROM {{ source('glue_tables') }}
  QUALIFY row_number() OVER (PARTITION BY account_id, database_name, table_name ORDER BY snapshot_at DESC NULLS LAST) = 1
),

final AS (
  SELECT
    account_id,
    region,
    database_name,
    table_name,
    database_name || '.' || table_name AS table_fqn,
    table_type,
    create_time,
    update_time,
    partition_keys,
    coalesce(
      TRY_CAST(json_extract_string(parameters, '$.sizeInBytes') AS BIGINT),
      TRY_CAST(json_extract_string(parameters, '$.totalSize') AS BIGINT)
    ) AS size_bytes,
    json_extract_string(target_table, '$.CatalogId') AS target_account_id,
    json_extract_string(target_table, '$.DatabaseName') AS target_database_name,
    json_extract_string(target_table, '$.Name') AS target_table_name,
    json_extract_string(target_table, '$.Name') IS NOT NULL AS is_resource_link
  FROM source
)

SELECT * FROM final

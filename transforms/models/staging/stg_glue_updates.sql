-- Every observed update of a table (DEFINITIONS.md "Product freshness"): successful Glue catalog
-- writes in CloudTrail, partition creation times and table update times from the API snapshots.
WITH catalog_writes AS (
  SELECT
    coalesce(json_extract_string(request_parameters, '$.catalogId'), recipient_account_id) AS account_id,
    json_extract_string(request_parameters, '$.databaseName') AS database_name,
    coalesce(
      json_extract_string(request_parameters, '$.tableName'),
      json_extract_string(request_parameters, '$.tableInput.name'),
      json_extract_string(request_parameters, '$.name')
    ) AS table_name,
    event_time AS updated_at,
    'cloudtrail' AS origin,
    event_name
  FROM {{ ref('stg_cloudtrail') }}
  WHERE event_source = 'glue.amazonaws.com'
    AND event_name IN ('CreatePartition', 'BatchCreatePartition', 'UpdatePartition', 'CreateTable', 'UpdateTable')
    AND error_code IS NULL
),

partitions AS (
  SELECT DISTINCT account_id, database_name, table_name, date_trunc('second', creation_time) AS updated_at, 'glue_partitions' AS origin, NULL AS event_name
  FROM {{ source('glue_partitions') }}
  WHERE creation_time IS NOT NULL
),

tables AS (
  SELECT DISTINCT account_id, database_name, table_name, date_trunc('second', update_time) AS updated_at, 'glue_tables' AS origin, NULL AS event_name
  FROM {{ source('glue_tables') }}
  WHERE update_time IS NOT NULL
),

unioned AS (
  SELECT * FROM catalog_writes
  UNION ALL SELECT * FROM partitions
  UNION ALL SELECT * FROM tables
),

final AS (
  SELECT account_id, database_name, table_name, database_name || '.' || table_name AS table_fqn, updated_at, origin, event_name
  FROM unioned
  WHERE database_name IS NOT NULL AND table_name IS NOT NULL AND updated_at IS NOT NULL
)

SELECT * FROM final

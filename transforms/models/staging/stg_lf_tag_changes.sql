-- Successful AddLFTagsToResource / RemoveLFTagsFromResource events, one row per resource (database,
-- table or column) and tag key, with whether the change involves a PII tag value.
WITH source AS (
  SELECT * FROM {{ ref('stg_cloudtrail') }}
  WHERE event_source = 'lakeformation.amazonaws.com'
    AND event_name IN ('AddLFTagsToResource', 'RemoveLFTagsFromResource')
    AND error_code IS NULL
),

renamed AS (
  SELECT
    event_id,
    event_time,
    event_name,
    CASE event_name WHEN 'AddLFTagsToResource' THEN 'add' ELSE 'remove' END AS action,
    principal,
    principal_arn,
    coalesce(
      json_extract(request_parameters, '$.resource'),
      json_extract(request_parameters, '$.Resource')
    ) AS resource,
    coalesce(
      json_extract(request_parameters, '$.lFTags'),
      json_extract(request_parameters, '$.lfTags'),
      json_extract(request_parameters, '$.LFTags')
    ) AS tags,
    coalesce(json_extract_string(request_parameters, '$.catalogId'), recipient_account_id) AS request_catalog_id
  FROM source
),

resolved AS (
  SELECT
    *,
    coalesce(
      json_extract_string(resource, '$.table.catalogId'),
      json_extract_string(resource, '$.tableWithColumns.catalogId'),
      json_extract_string(resource, '$.database.catalogId'),
      request_catalog_id
    ) AS account_id,
    coalesce(
      json_extract_string(resource, '$.table.databaseName'),
      json_extract_string(resource, '$.tableWithColumns.databaseName'),
      json_extract_string(resource, '$.database.name')
    ) AS database_name,
    coalesce(json_extract_string(resource, '$.table.name'), json_extract_string(resource, '$.tableWithColumns.name')) AS table_name,
    TRY_CAST(json_extract(resource, '$.tableWithColumns.columnNames') AS VARCHAR[]) AS column_names
  FROM renamed
),

per_column AS (
  SELECT
    * EXCLUDE (column_names),
    unnest(CASE WHEN column_names IS NULL OR len(column_names) = 0 THEN [NULL::VARCHAR] ELSE column_names END) AS column_name
  FROM resolved
),

per_tag AS (
  SELECT
    * EXCLUDE (tags),
    unnest(CAST(tags AS JSON[])) AS tag
  FROM per_column
),

final AS (
  SELECT
    event_id,
    event_time,
    event_name,
    action,
    principal,
    principal_arn,
    account_id,
    database_name,
    table_name,
    column_name,
    CASE WHEN column_name IS NOT NULL THEN 'column' WHEN table_name IS NOT NULL THEN 'table' ELSE 'database' END AS level,
    coalesce(json_extract_string(tag, '$.tagKey'), json_extract_string(tag, '$.TagKey')) AS tag_key,
    list_sort(coalesce(
      TRY_CAST(json_extract(tag, '$.tagValues') AS VARCHAR[]),
      TRY_CAST(json_extract(tag, '$.TagValues') AS VARCHAR[]),
      []
    )) AS tag_values
  FROM per_tag
  WHERE database_name IS NOT NULL
)

SELECT * FROM final

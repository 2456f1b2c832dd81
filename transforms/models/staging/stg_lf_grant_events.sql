-- Lake Formation permission changes in CloudTrail (GrantPermissions, RevokePermissions and their
-- Batch forms, one row per entry; PutDataLakeSettings), with the canonical resource string.
WITH source AS (
  SELECT * FROM {{ ref('stg_cloudtrail') }}
  WHERE event_source = 'lakeformation.amazonaws.com'
    AND event_name IN ('GrantPermissions', 'RevokePermissions', 'BatchGrantPermissions', 'BatchRevokePermissions', 'PutDataLakeSettings')
    AND error_code IS NULL
),

entries AS (
  SELECT *, request_parameters AS entry
  FROM source
  WHERE event_name NOT LIKE 'Batch%'
  UNION ALL
  SELECT * EXCLUDE (entries_list), unnest(entries_list) AS entry
  FROM (
    SELECT *, CAST(coalesce(json_extract(request_parameters, '$.entries'), json_extract(request_parameters, '$.Entries')) AS JSON[]) AS entries_list
    FROM source
    WHERE event_name LIKE 'Batch%'
  )
),

renamed AS (
  SELECT
    event_id,
    event_time,
    event_name,
    CASE WHEN event_name LIKE '%Revoke%' THEN 'revoke' WHEN event_name = 'PutDataLakeSettings' THEN 'settings' ELSE 'grant' END AS action,
    principal AS actor,
    principal_arn AS actor_arn,
    recipient_account_id,
    json_extract_string(request_parameters, '$.catalogId') AS request_catalog_id,
    json_extract_string(entry, '$.principal.dataLakePrincipalIdentifier') AS grantee,
    json_extract(entry, '$.resource') AS resource_json,
    list_sort(coalesce(TRY_CAST(json_extract(entry, '$.permissions') AS VARCHAR[]), [])) AS permissions,
    request_parameters
  FROM entries
),

resolved AS (
  SELECT
    *,
    coalesce(
      json_extract_string(resource_json, '$.table.catalogId'),
      json_extract_string(resource_json, '$.tableWithColumns.catalogId'),
      json_extract_string(resource_json, '$.database.catalogId'),
      json_extract_string(resource_json, '$.dataLocation.catalogId'),
      json_extract_string(resource_json, '$.lFTagPolicy.catalogId'),
      json_extract_string(resource_json, '$.lFTag.catalogId'),
      request_catalog_id,
      recipient_account_id
    ) AS account_id,
    coalesce(json_extract(resource_json, '$.lFTag'), json_extract(resource_json, '$.lfTag'), json_extract(resource_json, '$.LFTag')) AS lf_tag,
    coalesce(json_extract(resource_json, '$.lFTagPolicy'), json_extract(resource_json, '$.lfTagPolicy'), json_extract(resource_json, '$.LFTagPolicy')) AS lf_tag_policy
  FROM renamed
),

canonical AS (
  SELECT
    *,
    CASE
      WHEN action = 'settings' THEN NULL
      WHEN json_exists(resource_json, '$.table') THEN 'table:' || json_extract_string(resource_json, '$.table.databaseName') || '.' ||
        CASE WHEN json_exists(resource_json, '$.table.tableWildcard') THEN '*' ELSE json_extract_string(resource_json, '$.table.name') END
      WHEN json_exists(resource_json, '$.tableWithColumns') THEN 'columns:' || json_extract_string(resource_json, '$.tableWithColumns.databaseName') || '.'
        || json_extract_string(resource_json, '$.tableWithColumns.name') || '(' ||
        CASE
          WHEN len(coalesce(TRY_CAST(json_extract(resource_json, '$.tableWithColumns.columnNames') AS VARCHAR[]), [])) > 0
            THEN array_to_string(list_sort(TRY_CAST(json_extract(resource_json, '$.tableWithColumns.columnNames') AS VARCHAR[])), ',')
          WHEN len(coalesce(TRY_CAST(json_extract(resource_json, '$.tableWithColumns.columnWildcard.excludedColumnNames') AS VARCHAR[]), [])) > 0
            THEN '* except ' || array_to_string(list_sort(TRY_CAST(json_extract(resource_json, '$.tableWithColumns.columnWildcard.excludedColumnNames') AS VARCHAR[])), ',')
          ELSE '*'
        END || ')'
      WHEN json_exists(resource_json, '$.database') THEN 'database:' || json_extract_string(resource_json, '$.database.name')
      WHEN json_exists(resource_json, '$.dataLocation') THEN 'data-location:' || json_extract_string(resource_json, '$.dataLocation.resourceArn')
      WHEN lf_tag IS NOT NULL THEN 'lftag:' || coalesce(json_extract_string(lf_tag, '$.tagKey'), json_extract_string(lf_tag, '$.TagKey')) || '=' ||
        array_to_string(list_sort(coalesce(TRY_CAST(json_extract(lf_tag, '$.tagValues') AS VARCHAR[]), TRY_CAST(json_extract(lf_tag, '$.TagValues') AS VARCHAR[]), [])), '|')
      WHEN lf_tag_policy IS NOT NULL THEN 'lftag-policy:' || upper(coalesce(json_extract_string(lf_tag_policy, '$.resourceType'), json_extract_string(lf_tag_policy, '$.ResourceType'), 'TABLE')) || ':' ||
        array_to_string(list_sort(list_transform(
          CAST(coalesce(json_extract(lf_tag_policy, '$.expression'), json_extract(lf_tag_policy, '$.Expression')) AS JSON[]),
          e -> coalesce(json_extract_string(e, '$.tagKey'), json_extract_string(e, '$.TagKey')) || '=' ||
            array_to_string(list_sort(coalesce(TRY_CAST(json_extract(e, '$.tagValues') AS VARCHAR[]), TRY_CAST(json_extract(e, '$.TagValues') AS VARCHAR[]), [])), '|')
        )), ';')
      WHEN json_exists(resource_json, '$.catalog') THEN 'catalog'
    END AS resource
  FROM resolved
),

final AS (
  SELECT
    event_id, event_time, event_name, action, account_id, grantee AS principal, resource, permissions,
    actor, actor_arn, request_parameters
  FROM canonical
)

SELECT * FROM final

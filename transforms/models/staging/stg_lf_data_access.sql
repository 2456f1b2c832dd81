-- Lake Formation GetDataAccess events: one row per delivered event (copies not yet folded), with
-- the table parsed from its ARN and the engine's query id from the audit context.
WITH source AS (
  SELECT * FROM {{ ref('stg_cloudtrail') }}
  WHERE event_source = 'lakeformation.amazonaws.com' AND event_name = 'GetDataAccess'
),

-- one JSON parse per payload: several paths extracted at once
extracted AS (
  SELECT
    *,
    json_extract_string(request_parameters, ['$.tableArn', '$.auditContext.additionalAuditContext', '$.querySessionContext.queryId']) AS request_values,
    json_extract_string(additional_event_data, ['$.requesterService', '$.lakeFormationPrincipal']) AS additional_values
  FROM source
),

renamed AS (
  SELECT
    * EXCLUDE (request_values, additional_values),
    request_values[1] AS table_arn,
    request_values[2] AS audit_context,
    request_values[3] AS session_query_id,
    upper(additional_values[1]) AS requester_service,
    additional_values[2] AS lake_formation_principal
  FROM extracted
),

parsed AS (
  SELECT
    *,
    -- Athena writes {queryId: <id>} (not JSON); EMR, Glue and Redshift write JSON: one pattern fits both.
    nullif(nullif(regexp_extract(coalesce(audit_context, ''), 'queryId"?\s*:\s*"?([A-Za-z0-9_.:-]+)', 1), ''), 'NULL') AS audit_query_id,
    regexp_extract(coalesce(table_arn, ''), '^arn:[a-z-]+:glue:([^:]*):([0-9]{12}):table/([^/]+)/(.+)$', ['region', 'account', 'db', 'tbl']) AS arn
  FROM renamed
),

final AS (
  SELECT
    event_id,
    event_time,
    coalesce(shared_event_id, event_id) AS fold_key,
    shared_event_id,
    recipient_account_id,
    principal_type,
    principal_arn,
    principal_account_id,
    principal_kind,
    human_name,
    permission_set,
    role_name,
    role_arn,
    principal,
    lake_formation_principal,
    coalesce(audit_query_id, session_query_id) AS query_id,
    audit_context,
    CASE requester_service
      WHEN 'ATHENA' THEN 'athena'
      WHEN 'REDSHIFT' THEN 'redshift'
      WHEN 'EMRSERVERLESS' THEN 'emr-serverless'
      WHEN 'GLUE_JOB' THEN 'glue'
      ELSE lower(coalesce(requester_service, 'unknown'))
    END AS service,
    table_arn,
    nullif(arn.account, '') AS table_account_id,
    nullif(arn.region, '') AS table_region,
    nullif(arn.db, '') AS database_name,
    nullif(arn.tbl, '') AS table_name,
    error_code,
    -- the caller's own delivery (not the copy sent to the table owner) carries the human
    principal_type IS DISTINCT FROM 'AWSAccount' AS is_caller_copy
  FROM parsed
)

SELECT * FROM final

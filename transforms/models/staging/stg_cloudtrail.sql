-- The CloudTrail events the marts read payloads of (Lake Formation, Athena, Glue), one per eventID
-- (an addendum re-delivery is kept once: the latest delivery), with the acting principal resolved
-- (macros/principals.sql). Every other event only counts in stg_principals and coverage.
-- Only the columns the marts use are read: each column costs a read per Parquet file.
WITH source AS (
  SELECT
    event_id, event_time, event_source, event_name, aws_region, recipient_account_id, error_code,
    shared_event_id, addendum_reason, principal_type, principal_arn, principal_id, principal_account_id,
    principal_user_name, session_issuer_arn, session_issuer_name, session_name, identity_center_user_id,
    invoked_by, request_parameters, response_elements, additional_event_data, source_object, delivered_at
  FROM {{ source('cloudtrail') }}
  WHERE event_id IS NOT NULL
    AND event_source IN ('lakeformation.amazonaws.com', 'athena.amazonaws.com', 'glue.amazonaws.com')
),

-- duplicates are rare (ingest removes them): find the few repeated ids by hashing, and keep the
-- latest delivery of each, rather than sorting every event
repeated AS (
  SELECT event_id, arg_max(source_object, struct_pack(d := delivered_at, o := source_object)) AS keep_object,
    max(delivered_at) AS keep_delivered_at
  FROM source
  GROUP BY event_id
  HAVING count(*) > 1
),

deduplicated AS (
  SELECT s.*
  FROM source AS s
  LEFT JOIN repeated AS r USING (event_id)
  WHERE r.event_id IS NULL
     OR (s.source_object IS NOT DISTINCT FROM r.keep_object AND s.delivered_at IS NOT DISTINCT FROM r.keep_delivered_at)
),

resolved AS (
  SELECT
    *,
    mw_principal_kind(principal_type, principal_arn, identity_center_user_id) AS principal_kind,
    mw_human_name(principal_type, principal_arn, session_name, principal_user_name, identity_center_user_id) AS human_name,
    mw_permission_set(principal_arn) AS permission_set,
    mw_role_name(principal_type, principal_arn, session_issuer_name) AS role_name
  FROM deduplicated
),

final AS (
  SELECT
    event_id, event_time, event_source, event_name, aws_region, recipient_account_id, error_code,
    shared_event_id, addendum_reason, principal_type, principal_arn, principal_id,
    principal_account_id, principal_user_name, session_issuer_arn, session_issuer_name,
    mw_session_name(principal_arn, session_name) AS session_name, identity_center_user_id, invoked_by,
    request_parameters, response_elements, additional_event_data, source_object, delivered_at,
    principal_kind, human_name, permission_set, role_name,
    CASE WHEN principal_type = 'AssumedRole' THEN session_issuer_arn END AS role_arn,
    mw_principal(human_name, role_name, principal_kind, invoked_by, principal_arn, principal_account_id, principal_id) AS principal
  FROM resolved
)

SELECT * FROM final

-- The CloudTrail events the marts read payloads of (Lake Formation, Athena, Glue), one per eventID
-- (an addendum re-delivery is kept once: the latest delivery), with the acting principal resolved
-- (macros/principals.sql). Every other event only counts in stg_principals and coverage.
WITH source AS (
  SELECT * FROM {{ source('cloudtrail') }}
  WHERE event_id IS NOT NULL
    AND event_source IN ('lakeformation.amazonaws.com', 'athena.amazonaws.com', 'glue.amazonaws.com')
),

deduplicated AS (
  SELECT * FROM source
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY delivered_at DESC NULLS LAST, source_object DESC NULLS LAST) = 1
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
    event_id, event_time, event_version, event_source, event_name, aws_region, recipient_account_id,
    source_ip, user_agent, error_code, error_message, read_only, event_type, management_event,
    shared_event_id, request_id, addendum_reason, principal_type, principal_arn, principal_id,
    principal_account_id, principal_user_name, session_issuer_type, session_issuer_arn,
    session_issuer_name, mw_session_name(principal_arn, session_name) AS session_name,
    identity_center_user_id, invoked_by, request_parameters, response_elements, additional_event_data,
    resources, source_object, delivered_at, event_date, account_id,
    principal_kind, human_name, permission_set, role_name,
    CASE WHEN principal_type = 'AssumedRole' THEN session_issuer_arn END AS role_arn,
    mw_principal(human_name, role_name, principal_kind, invoked_by, principal_arn, principal_account_id, principal_id) AS principal
  FROM resolved
)

SELECT * FROM final

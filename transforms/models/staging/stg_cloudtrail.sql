-- CloudTrail events, one per eventID (addendum re-deliveries kept once: the latest delivery), with
-- the acting principal resolved to a human, a service role, an AWS service, an account or root.
WITH source AS (
  SELECT * FROM {{ source('cloudtrail') }}
  WHERE event_id IS NOT NULL
),

deduplicated AS (
  SELECT * FROM source
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY delivered_at DESC NULLS LAST, source_object DESC NULLS LAST) = 1
),

renamed AS (
  SELECT
    *,
    regexp_matches(coalesce(principal_arn, ''), ':assumed-role/AWSReservedSSO_') AS is_sso_session,
    regexp_extract(coalesce(principal_arn, ''), ':assumed-role/[^/]+/(.+)$', 1) AS arn_session_name
  FROM deduplicated
),

resolved AS (
  SELECT
    *,
    CASE
      WHEN is_sso_session THEN 'human'
      WHEN principal_type = 'IdentityCenterUser' OR identity_center_user_id IS NOT NULL THEN 'human'
      WHEN principal_type = 'IAMUser' THEN 'human'
      WHEN principal_type = 'AssumedRole' THEN 'service'
      WHEN principal_type = 'AWSService' THEN 'aws_service'
      WHEN principal_type = 'AWSAccount' THEN 'account'
      WHEN principal_type = 'Root' THEN 'root'
      ELSE 'unknown'
    END AS principal_kind,
    CASE
      WHEN is_sso_session THEN nullif(coalesce(nullif(session_name, ''), arn_session_name), '')
      WHEN principal_type = 'IAMUser' THEN principal_user_name
      WHEN principal_type = 'IdentityCenterUser' OR identity_center_user_id IS NOT NULL
        THEN coalesce(nullif(principal_user_name, ''), identity_center_user_id)
    END AS human_name,
    CASE WHEN is_sso_session
      THEN nullif(regexp_extract(principal_arn, ':assumed-role/AWSReservedSSO_(.+)_[0-9A-Fa-f]{16}/', 1), '')
    END AS permission_set,
    CASE WHEN principal_type = 'AssumedRole'
      THEN coalesce(session_issuer_name, nullif(regexp_extract(principal_arn, ':assumed-role/([^/]+)/', 1), ''))
    END AS role_name
  FROM renamed
),

final AS (
  SELECT
    event_id, event_time, event_version, event_source, event_name, aws_region, recipient_account_id,
    source_ip, user_agent, error_code, error_message, read_only, event_type, management_event,
    shared_event_id, request_id, addendum_reason, principal_type, principal_arn, principal_id,
    principal_account_id, principal_user_name, session_issuer_type, session_issuer_arn,
    session_issuer_name, coalesce(session_name, nullif(arn_session_name, '')) AS session_name,
    identity_center_user_id, invoked_by, request_parameters, response_elements, additional_event_data,
    resources, source_object, delivered_at, event_date, account_id,
    principal_kind, human_name, permission_set, role_name,
    CASE WHEN principal_type = 'AssumedRole' THEN session_issuer_arn END AS role_arn,
    coalesce(
      human_name,
      role_name,
      CASE WHEN principal_kind = 'aws_service' THEN invoked_by END,
      principal_arn,
      principal_account_id,
      principal_id
    ) AS principal
  FROM resolved
)

SELECT * FROM final

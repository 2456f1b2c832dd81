-- Every identity seen in CloudTrail (all event sources), one row per distinct identity, resolved to
-- a principal (macros/principals.sql), with first and last event and the number of distinct events.
WITH source AS (
  SELECT
    principal_type, principal_arn, principal_id, principal_account_id, principal_user_name,
    session_issuer_arn, session_issuer_name, session_name, identity_center_user_id, invoked_by,
    event_id, event_time, recipient_account_id,
    event_id IN (SELECT event_id FROM {{ ref('stg_cloudtrail_repeats') }}) AS is_repeated
  FROM {{ source('cloudtrail') }}
  WHERE event_id IS NOT NULL
),

-- distinct events: an id delivered once is one event without a distinct-count (which cost as much
-- as the rest of the model); only the few repeated ids are counted distinct
identities AS (
  SELECT
    principal_type, principal_arn, principal_id, principal_account_id, principal_user_name,
    session_issuer_arn, session_issuer_name, session_name, identity_center_user_id, invoked_by,
    min(event_time) AS first_seen_at,
    max(event_time) AS last_seen_at,
    count(*) FILTER (WHERE NOT is_repeated) + count(DISTINCT event_id) FILTER (WHERE is_repeated) AS events,
    arg_max(recipient_account_id, event_time) AS recipient_account_id
  FROM source
  GROUP BY ALL
),

resolved AS (
  SELECT
    *,
    mw_principal_kind(principal_type, principal_arn, identity_center_user_id) AS principal_kind,
    mw_human_name(principal_type, principal_arn, session_name, principal_user_name, identity_center_user_id) AS human_name,
    mw_permission_set(principal_arn) AS permission_set,
    mw_role_name(principal_type, principal_arn, session_issuer_name) AS role_name
  FROM identities
),

final AS (
  SELECT
    *,
    mw_principal(human_name, role_name, principal_kind, invoked_by, principal_arn, principal_account_id, principal_id) AS principal
  FROM resolved
)

SELECT * FROM final

-- Every principal seen in CloudTrail, resolved to a human where possible, with its account's
-- name, domain and kind from the account map.
WITH identities AS (
  SELECT * FROM {{ ref('stg_principals') }}
),

principals AS (
  SELECT
    coalesce(principal_arn, CASE WHEN principal_kind = 'aws_service' THEN invoked_by END, principal_account_id, principal_id) AS principal_arn,
    arg_max(principal, last_seen_at) AS principal,
    arg_max(principal_kind, last_seen_at) AS principal_kind,
    arg_max(principal_type, last_seen_at) AS principal_type,
    arg_max(human_name, last_seen_at) AS human_name,
    arg_max(permission_set, last_seen_at) AS permission_set,
    arg_max(role_name, last_seen_at) AS role_name,
    arg_max(session_name, last_seen_at) AS session_name,
    arg_max(identity_center_user_id, last_seen_at) AS identity_center_user_id,
    arg_max(coalesce(principal_account_id, recipient_account_id), last_seen_at) AS account_id,
    min(first_seen_at) AS first_seen_at,
    max(last_seen_at) AS last_seen_at,
    CAST(sum(events) AS BIGINT) AS events
  FROM identities
  WHERE coalesce(principal_arn, invoked_by, principal_account_id, principal_id) IS NOT NULL
  GROUP BY 1
),

final AS (
  SELECT
    p.principal_arn, p.principal, p.principal_kind, p.principal_type, p.human_name, p.permission_set,
    p.role_name, p.session_name, p.identity_center_user_id, p.account_id, a.account_name, a.domain,
    a.account_kind, p.first_seen_at, p.last_seen_at, p.events
  FROM principals AS p
  LEFT JOIN {{ ref('stg_accounts') }} AS a ON a.account_id = p.account_id
)

SELECT * FROM final

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

-- duplicates are rare (ingest removes them): only the ids stg_cloudtrail_repeats lists are grouped,
-- and each keeps its latest delivery
repeated AS (
  SELECT event_id, arg_max(source_object, struct_pack(d := delivered_at, o := source_object)) AS keep_object,
    max(delivered_at) AS keep_delivered_at
  FROM source
  WHERE event_id IN (SELECT event_id FROM {{ ref('stg_cloudtrail_repeats') }})
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

-- the principal is resolved once per distinct identity (a few hundred), not once per event: the
-- rules are regular expressions on the ARN (identities of every delivery, so the de-duplicated
-- events are read only once, by the join below)
identities AS (
  SELECT DISTINCT
    principal_type, principal_arn, principal_id, principal_account_id, principal_user_name,
    session_issuer_name, session_name, identity_center_user_id, invoked_by
  FROM source
),

resolved_identities AS (
  SELECT
    *,
    mw_principal_kind(principal_type, principal_arn, identity_center_user_id) AS principal_kind,
    mw_human_name(principal_type, principal_arn, session_name, principal_user_name, identity_center_user_id) AS human_name,
    mw_permission_set(principal_arn) AS permission_set,
    mw_role_name(principal_type, principal_arn, session_issuer_name) AS role_name,
    mw_session_name(principal_arn, session_name) AS resolved_session_name
  FROM identities
),

final AS (
  SELECT
    d.event_id, d.event_time, d.event_source, d.event_name, d.aws_region, d.recipient_account_id, d.error_code,
    d.shared_event_id, d.addendum_reason, d.principal_type, d.principal_arn, d.principal_id,
    d.principal_account_id, d.principal_user_name, d.session_issuer_arn, d.session_issuer_name,
    i.resolved_session_name AS session_name, d.identity_center_user_id, d.invoked_by,
    d.request_parameters, d.response_elements, d.additional_event_data, d.source_object, d.delivered_at,
    i.principal_kind, i.human_name, i.permission_set, i.role_name,
    CASE WHEN d.principal_type = 'AssumedRole' THEN d.session_issuer_arn END AS role_arn,
    mw_principal(i.human_name, i.role_name, i.principal_kind, d.invoked_by, d.principal_arn, d.principal_account_id, d.principal_id) AS principal
  FROM deduplicated AS d
  JOIN resolved_identities AS i
    ON d.principal_type IS NOT DISTINCT FROM i.principal_type
   AND d.principal_arn IS NOT DISTINCT FROM i.principal_arn
   AND d.principal_id IS NOT DISTINCT FROM i.principal_id
   AND d.principal_account_id IS NOT DISTINCT FROM i.principal_account_id
   AND d.principal_user_name IS NOT DISTINCT FROM i.principal_user_name
   AND d.session_issuer_name IS NOT DISTINCT FROM i.session_issuer_name
   AND d.session_name IS NOT DISTINCT FROM i.session_name
   AND d.identity_center_user_id IS NOT DISTINCT FROM i.identity_center_user_id
   AND d.invoked_by IS NOT DISTINCT FROM i.invoked_by
)

SELECT * FROM final

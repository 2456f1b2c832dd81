-- How a CloudTrail identity resolves to a principal (DEFINITIONS.md "Identities"). Macros so the
-- rule is written once and used both per event (stg_cloudtrail) and per identity (stg_principals).

CREATE OR REPLACE MACRO mw_is_sso_session(principal_arn) AS
  regexp_matches(coalesce(principal_arn, ''), ':assumed-role/AWSReservedSSO_');

CREATE OR REPLACE MACRO mw_session_name(principal_arn, session_name) AS
  coalesce(session_name, nullif(regexp_extract(coalesce(principal_arn, ''), ':assumed-role/[^/]+/(.+)$', 1), ''));

CREATE OR REPLACE MACRO mw_principal_kind(principal_type, principal_arn, identity_center_user_id) AS
  CASE
    WHEN mw_is_sso_session(principal_arn) THEN 'human'
    WHEN principal_type = 'IdentityCenterUser' OR identity_center_user_id IS NOT NULL THEN 'human'
    WHEN principal_type = 'IAMUser' THEN 'human'
    WHEN principal_type = 'AssumedRole' THEN 'service'
    WHEN principal_type = 'AWSService' THEN 'aws_service'
    WHEN principal_type = 'AWSAccount' THEN 'account'
    WHEN principal_type = 'Root' THEN 'root'
    ELSE 'unknown'
  END;

CREATE OR REPLACE MACRO mw_human_name(principal_type, principal_arn, session_name, principal_user_name, identity_center_user_id) AS
  CASE
    WHEN mw_is_sso_session(principal_arn) THEN nullif(mw_session_name(principal_arn, session_name), '')
    WHEN principal_type = 'IAMUser' THEN principal_user_name
    WHEN principal_type = 'IdentityCenterUser' OR identity_center_user_id IS NOT NULL
      THEN coalesce(nullif(principal_user_name, ''), identity_center_user_id)
  END;

CREATE OR REPLACE MACRO mw_permission_set(principal_arn) AS
  CASE WHEN mw_is_sso_session(principal_arn)
    THEN nullif(regexp_extract(principal_arn, ':assumed-role/AWSReservedSSO_(.+)_[0-9A-Fa-f]{16}/', 1), '')
  END;

CREATE OR REPLACE MACRO mw_role_name(principal_type, principal_arn, session_issuer_name) AS
  CASE WHEN principal_type = 'AssumedRole'
    THEN coalesce(session_issuer_name, nullif(regexp_extract(coalesce(principal_arn, ''), ':assumed-role/([^/]+)/', 1), ''))
  END;

-- the display name used everywhere: the human, else the role, else the AWS service, else the ARN
CREATE OR REPLACE MACRO mw_principal(human_name, role_name, principal_kind, invoked_by, principal_arn, principal_account_id, principal_id) AS
  coalesce(human_name, role_name, CASE WHEN principal_kind = 'aws_service' THEN invoked_by END, principal_arn, principal_account_id, principal_id);

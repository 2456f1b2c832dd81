-- The account map: configured accounts, completed by AWS Organizations (config wins).
WITH configured AS (
  SELECT account_id, account_name, domain, account_kind
  FROM {{ source('config_accounts') }}
),

discovered AS (
  SELECT
    account_id,
    arg_max(name, snapshot_at) AS account_name,
    arg_max(domain, snapshot_at) AS domain
  FROM {{ source('org_accounts') }}
  WHERE account_id IS NOT NULL
  GROUP BY account_id
),

joined AS (
  SELECT
    coalesce(c.account_id, d.account_id) AS account_id,
    coalesce(c.account_name, d.account_name) AS account_name,
    coalesce(c.domain, d.domain) AS domain,
    coalesce(c.account_kind, 'unknown') AS account_kind,
    c.account_id IS NOT NULL AS is_configured
  FROM configured AS c
  FULL OUTER JOIN discovered AS d ON d.account_id = c.account_id
),

final AS (
  SELECT * FROM joined
)

SELECT * FROM final

-- Cost per day and domain: the domain's own accounts, every service (alert input for cost_anomaly_domain).
WITH costs AS (
  SELECT c.day, a.domain, c.unblended_cost_usd
  FROM {{ ref('stg_cost_daily') }} AS c
  JOIN {{ ref('stg_accounts') }} AS a USING (account_id)
),

final AS (
  SELECT day, domain, sum(unblended_cost_usd) AS cost_usd
  FROM costs
  GROUP BY day, domain
)

SELECT * FROM final

-- Per month, each receiving domain's share of the shared accounts' cost (accounts of kind
-- management, log-archive, governance) by chargeback.shared_allocation: even, storage (the domain's
-- Amazon S3 cost) or usage (the domain's Athena bytes scanned as consumer). When the chosen measure
-- is zero for every domain, the shares are even.
WITH accounts AS (
  SELECT * FROM {{ ref('stg_accounts') }}
),

receiving_domains AS (
  SELECT DISTINCT domain FROM accounts WHERE account_kind IN ('producer', 'consumer') AND domain IS NOT NULL
),

months AS (
  SELECT DISTINCT month FROM {{ ref('stg_cost_daily') }}
),

storage AS (
  SELECT c.month, a.domain, sum(c.unblended_cost_usd) AS measure
  FROM {{ ref('stg_cost_daily') }} AS c
  JOIN accounts AS a USING (account_id)
  WHERE c.service = 'Amazon Simple Storage Service'
  GROUP BY ALL
),

usage AS (
  SELECT month, consumer_domain AS domain, sum(bytes_scanned) AS measure
  FROM {{ ref('int_athena_query_costs') }}
  GROUP BY ALL
),

measured AS (
  SELECT
    m.month,
    d.domain,
    CASE {{ param('chargeback.shared_allocation') }}
      WHEN 'storage' THEN coalesce(s.measure, 0)
      WHEN 'usage' THEN coalesce(u.measure, 0)
      ELSE 1
    END AS measure
  FROM months AS m
  CROSS JOIN receiving_domains AS d
  LEFT JOIN storage AS s ON s.month = m.month AND s.domain = d.domain
  LEFT JOIN usage AS u ON u.month = m.month AND u.domain = d.domain
),

final AS (
  SELECT
    month,
    domain,
    CASE WHEN sum(measure) OVER (PARTITION BY month) > 0
      THEN measure / sum(measure) OVER (PARTITION BY month)
      ELSE 1.0 / count(*) OVER (PARTITION BY month)
    END AS share,
    {{ param('chargeback.shared_allocation') }} AS method
  FROM measured
)

SELECT * FROM final

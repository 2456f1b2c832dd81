-- Per domain and month: its own accounts' producer (non-Athena) and consumer (Athena) cost, its
-- share of the shared accounts' cost, the total and the change against the previous month, and the
-- Athena cost its tables served (DEFINITIONS.md "Chargeback").
WITH accounts AS (
  SELECT * FROM {{ ref('stg_accounts') }}
),

costs AS (
  SELECT c.*, a.domain, a.account_kind
  FROM {{ ref('stg_cost_daily') }} AS c
  LEFT JOIN accounts AS a USING (account_id)
),

shares AS (
  SELECT * FROM {{ ref('int_shared_allocation') }}
),

own_costs AS (
  SELECT
    month,
    domain,
    sum(unblended_cost_usd) FILTER (WHERE service <> 'Amazon Athena') AS producer_cost_usd,
    sum(unblended_cost_usd) FILTER (WHERE service = 'Amazon Athena') AS consumer_cost_usd
  FROM costs
  WHERE account_kind IN ('producer', 'consumer')
  GROUP BY month, domain
),

shared_costs AS (
  SELECT month, sum(unblended_cost_usd) AS shared_cost_usd
  FROM costs
  WHERE account_kind IN ('management', 'log-archive', 'governance')
  GROUP BY month
),

served AS (
  SELECT month, producer_domain AS domain, sum(cost_usd) AS athena_served_usd
  FROM {{ ref('chargeback_matrix') }}
  GROUP BY ALL
),

joined AS (
  SELECT
    s.month,
    s.domain,
    coalesce(o.producer_cost_usd, 0) AS producer_cost_usd,
    coalesce(o.consumer_cost_usd, 0) AS consumer_cost_usd,
    coalesce(sc.shared_cost_usd, 0) * s.share AS shared_allocation_usd,
    coalesce(v.athena_served_usd, 0) AS athena_served_usd
  FROM shares AS s
  LEFT JOIN own_costs AS o ON o.month = s.month AND o.domain = s.domain
  LEFT JOIN shared_costs AS sc ON sc.month = s.month
  LEFT JOIN served AS v ON v.month = s.month AND v.domain = s.domain
),

totals AS (
  SELECT *, producer_cost_usd + consumer_cost_usd + shared_allocation_usd AS total_usd
  FROM joined
),

final AS (
  SELECT
    month,
    domain,
    round(producer_cost_usd, 6) AS producer_cost_usd,
    round(consumer_cost_usd, 6) AS consumer_cost_usd,
    round(shared_allocation_usd, 6) AS shared_allocation_usd,
    round(total_usd, 6) AS total_usd,
    round(lag(total_usd) OVER w, 6) AS previous_total_usd,
    round(total_usd - lag(total_usd) OVER w, 6) AS mom_change_usd,
    round(CASE WHEN lag(total_usd) OVER w > 0 THEN (total_usd - lag(total_usd) OVER w) / lag(total_usd) OVER w * 100 END, 4) AS mom_change_pct,
    round(athena_served_usd, 6) AS athena_served_usd
  FROM totals
  WINDOW w AS (PARTITION BY domain ORDER BY month)
)

SELECT * FROM final

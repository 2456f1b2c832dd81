-- Cost Explorer daily unblended cost by linked account and service, newest fetch per day.
WITH source AS (
  SELECT * FROM {{ source('cost_daily') }}
  WHERE grouping = 'LINKED_ACCOUNT,SERVICE' AND day IS NOT NULL AND account_id IS NOT NULL
),

newest AS (
  SELECT * FROM source
  QUALIFY row_number() OVER (PARTITION BY day, account_id, service ORDER BY fetched_at DESC NULLS LAST) = 1
),

final AS (
  SELECT
    day,
    strftime(day, '%Y-%m') AS month,
    account_id,
    service,
    coalesce(unblended_cost_usd, 0) AS unblended_cost_usd,
    coalesce(amortized_cost_usd, unblended_cost_usd, 0) AS amortized_cost_usd,
    coalesce(estimated, false) AS estimated
  FROM newest
)

SELECT * FROM final

-- chargeback: per domain and month, costs and the month-over-month change; $month null = every month.
SELECT
  month,
  domain,
  producer_cost_usd,
  consumer_cost_usd,
  shared_allocation_usd,
  total_usd,
  previous_total_usd,
  mom_change_usd,
  mom_change_pct,
  athena_served_usd
FROM domain_chargeback
WHERE $month::VARCHAR IS NULL OR month = $month::VARCHAR
ORDER BY month, total_usd DESC, domain

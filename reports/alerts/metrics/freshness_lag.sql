-- inputs: product_freshness
-- Hours since each data product's last update, per domain and product.
SELECT
  'FreshnessLagHours' AS metric_name,
  'None' AS unit,
  CAST(lag_hours AS DOUBLE) AS value,
  $now::TIMESTAMP AS measured_at,
  domain,
  product
FROM product_freshness

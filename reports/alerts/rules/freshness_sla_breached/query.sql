-- One row per data product: alarm when its lag is past the contract's max_lag_hours
-- (product_freshness.status = 'breached'), ok otherwise, so the alert resolves on the next update.
SELECT
  product AS resource,
  CASE WHEN status = 'breached' THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN last_update_at IS NULL THEN format('{} ({}) has never been updated; its contract allows {} h', product, table_fqn, max_lag_hours)
    ELSE format(
      '{} ({}) last updated {} — {} h ago; its contract allows {} h (status {})',
      product, table_fqn, strftime(last_update_at, '%Y-%m-%dT%H:%MZ'), round(lag_hours, 1), max_lag_hours, status
    )
  END AS reason,
  domain,
  account_id,
  owner,
  table_fqn,
  owner_contact,
  sla_text,
  last_update_at,
  round(lag_hours, 2) AS lag_hours,
  max_lag_hours
FROM product_freshness

-- chargeback --matrix: Athena cost of each consumer domain reading each producer domain's tables.
SELECT month, consumer_domain, producer_domain, queries, bytes_scanned, cost_usd
FROM chargeback_matrix
WHERE $month::VARCHAR IS NULL OR month = $month::VARCHAR
ORDER BY month, consumer_domain, producer_domain

-- The months the chargeback marts hold, for "months with data" hints.
SELECT DISTINCT month FROM domain_chargeback ORDER BY month

-- chargeback --format focus: the FOCUS rows of the month in a stable order (columns as the mart has them).
SELECT *
FROM chargeback_focus
WHERE $month::VARCHAR IS NULL OR x_Month = $month::VARCHAR
ORDER BY ChargePeriodStart, SubAccountId, ServiceName, RegionId NULLS FIRST, AllocatedResourceId NULLS FIRST, BilledCost

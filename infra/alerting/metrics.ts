/**
 * The CloudWatch metrics the alert stage publishes (reports/alerts/metrics/*.sql and the
 * OpenAlerts points in reports/alerts/index.ts), by the names and dimensions it uses. The alarms
 * and the dashboard are built from this one constant; a test reads the alert stage's SQL and fails
 * when a name here is no longer published, or a published name is missing here.
 */
export const ALERT_METRICS = {
  /** Hours since a data product's last update; dimensions Domain, Product. */
  freshnessLagHours: 'FreshnessLagHours',
  /** Open grant-drift items (unused grants left out); dimension Domain. */
  grantDriftCount: 'GrantDriftCount',
  /** Allowed PII reads in the last day; dimensions Domain, Product (the table). */
  piiReads: 'PiiReads',
  /** A domain's cost on the latest Cost Explorer day; dimension Domain. */
  dailyCostUsd: 'DailyCostUSD',
  /** Open alerts per rule (zeros included, so alarms clear); dimension Rule. */
  openAlerts: 'OpenAlerts',
} as const;

export const METRIC_DIMENSIONS = { domain: 'Domain', product: 'Product', rule: 'Rule' } as const;

/** The alert rule whose open-alert count is the number of PII tables with a new reader. */
export const PII_NEW_READER_RULE = 'pii_new_reader';

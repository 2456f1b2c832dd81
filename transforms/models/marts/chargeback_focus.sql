-- FOCUS 1.x rows: one per account × service × day; a shared account's charge is split into one
-- allocation row per receiving domain (AllocatedMethodId = the rule) that sum back to the charge.
WITH accounts AS (
  SELECT * FROM {{ ref('stg_accounts') }}
),

billing_account AS (
  SELECT coalesce(min(account_id) FILTER (WHERE account_kind = 'management'), '') AS billing_account_id FROM accounts
),

charges AS (
  SELECT c.*, a.domain, a.account_kind, a.account_kind IN ('management', 'log-archive', 'governance') AS is_shared
  FROM {{ ref('stg_cost_daily') }} AS c
  LEFT JOIN accounts AS a USING (account_id)
),

allocated AS (
  SELECT c.*, coalesce(s.domain, c.domain) AS x_domain, CASE WHEN c.is_shared THEN s.share ELSE 1.0 END AS share,
    CASE WHEN c.is_shared THEN s.method END AS allocated_method_id,
    CASE WHEN c.is_shared THEN c.account_id || '/' || c.service END AS allocated_resource_id
  FROM charges AS c
  LEFT JOIN {{ ref('int_shared_allocation') }} AS s ON c.is_shared AND s.month = c.month
),

final AS (
  SELECT
    unblended_cost_usd * share AS "BilledCost",
    amortized_cost_usd * share AS "EffectiveCost",
    unblended_cost_usd * share AS "ListCost",
    b.billing_account_id AS "BillingAccountId",
    account_id AS "SubAccountId",
    'Usage' AS "ChargeCategory",
    CAST(day AS TIMESTAMP) AS "ChargePeriodStart",
    CAST(day AS TIMESTAMP) + INTERVAL 1 DAY AS "ChargePeriodEnd",
    CAST(date_trunc('month', day) AS TIMESTAMP) AS "BillingPeriodStart",
    CAST(date_trunc('month', day) AS TIMESTAMP) + INTERVAL 1 MONTH AS "BillingPeriodEnd",
    service AS "ServiceName",
    CASE
      WHEN service IN ('Amazon Athena', 'AWS Glue', 'AWS Lake Formation', 'Amazon EMR', 'Amazon Redshift') THEN 'Analytics'
      WHEN service IN ('Amazon Simple Storage Service', 'Amazon S3 Glacier') THEN 'Storage'
      WHEN service IN ('Amazon Elastic Compute Cloud - Compute', 'EC2 - Other', 'AWS Lambda') THEN 'Compute'
      WHEN service IN ('AWS CloudTrail', 'AmazonCloudWatch', 'AWS Config') THEN 'Management and Governance'
      WHEN service IN ('AWS Key Management Service', 'AWS Identity and Access Management') THEN 'Security'
      ELSE 'Other'
    END AS "ServiceCategory",
    NULL::VARCHAR AS "RegionId",
    'AWS' AS "Provider",
    'AWS' AS "Publisher",
    'AWS' AS "InvoiceIssuer",
    CAST(json_object('domain', domain) AS JSON) AS "Tags",
    allocated_method_id AS "AllocatedMethodId",
    allocated_resource_id AS "AllocatedResourceId",
    x_domain AS "x_Domain",
    month AS "x_Month"
  FROM allocated
  CROSS JOIN billing_account AS b
)

SELECT * FROM final

-- One row per configured account × region: alarm when a day in the lookback window had no log
-- object (is_gap) or a failed digest check; ok when every day was delivered and verified.
WITH flagged AS (
  SELECT
    account_id,
    region,
    CAST(day AS DATE) AS day,
    coalesce(is_gap, false) AS is_gap,
    list_contains(string_split($failing_verifications, ','), verification) AS is_failed_digest,
    CAST(day AS TIMESTAMP) + INTERVAL 1 DAY > $now::TIMESTAMP - to_days(CAST($lookback_days AS INTEGER))
      AND CAST(day AS TIMESTAMP) < $now::TIMESTAMP AS in_window
  FROM cloudtrail_coverage
),
per_trail AS (
  SELECT
    account_id,
    region,
    count(*) FILTER (WHERE in_window AND is_gap) AS gap_days,
    count(*) FILTER (WHERE in_window AND is_failed_digest) AS failed_digest_days,
    min(day) FILTER (WHERE in_window AND is_gap) AS first_gap_day,
    max(day) FILTER (WHERE in_window AND is_gap) AS last_gap_day,
    max(day) FILTER (WHERE in_window AND is_failed_digest) AS last_failed_digest_day
  FROM flagged
  GROUP BY account_id, region
)
SELECT
  account_id || '/' || region AS resource,
  CASE WHEN gap_days > 0 OR failed_digest_days > 0 THEN 'alarm' ELSE 'ok' END AS status,
  CASE
    WHEN gap_days > 0 OR failed_digest_days > 0 THEN concat_ws('; ',
      CASE WHEN gap_days > 0 THEN format('no CloudTrail log file from account {} in {} on {} day(s), {} to {}',
        account_id, region, gap_days, strftime(first_gap_day, '%Y-%m-%d'), strftime(last_gap_day, '%Y-%m-%d')) END,
      CASE WHEN failed_digest_days > 0 THEN format('digest check failed on {} day(s), last {}',
        failed_digest_days, strftime(last_failed_digest_day, '%Y-%m-%d')) END)
    ELSE format('account {} in {} delivered and verified every day', account_id, region)
  END AS reason,
  NULL AS domain,
  account_id,
  region,
  gap_days,
  first_gap_day,
  last_gap_day,
  failed_digest_days,
  last_failed_digest_day
FROM per_trail

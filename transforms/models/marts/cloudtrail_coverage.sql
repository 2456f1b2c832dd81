-- CloudTrail delivery per configured account × region × day of the window: objects, events, the
-- worst verification of the day, and whether the day is a gap (no log object at all).
WITH days AS (
  SELECT CAST(day AS DATE) AS day
  FROM range(
    CAST(CAST({{ param('now') }} AS DATE) - to_days(CAST({{ param('freshness.window_days') }} AS INTEGER)) AS TIMESTAMP),
    CAST(CAST({{ param('now') }} AS DATE) AS TIMESTAMP),
    INTERVAL 1 DAY
  ) AS t(day)
),

expected AS (
  SELECT a.account_id, r.region, d.day
  FROM {{ ref('stg_accounts') }} AS a
  CROSS JOIN {{ source('config_regions') }} AS r
  CROSS JOIN days AS d
  WHERE a.is_configured
),

objects AS (
  SELECT
    account_id,
    region,
    log_date AS day,
    count(*) FILTER (WHERE status <> 'missing') AS objects,
    max(CASE verification WHEN 'missing' THEN 4 WHEN 'mismatch' THEN 3 WHEN 'unverified' THEN 2 WHEN 'verified' THEN 1 END) AS worst
  FROM {{ source('cloudtrail_objects') }}
  GROUP BY ALL
),

-- distinct events: only ids delivered more than once (stg_cloudtrail_repeats) need a distinct-count
events AS (
  SELECT
    account_id,
    region,
    day,
    count(*) FILTER (WHERE event_id IS NOT NULL AND NOT is_repeated) + count(DISTINCT event_id) FILTER (WHERE is_repeated) AS events
  FROM (
    SELECT
      recipient_account_id AS account_id, aws_region AS region, CAST(event_time AS DATE) AS day, event_id,
      coalesce(event_id IN (SELECT event_id FROM {{ ref('stg_cloudtrail_repeats') }}), false) AS is_repeated
    FROM {{ source('cloudtrail') }}
    WHERE event_time >= CAST({{ param('now') }} AS DATE) - to_days(CAST({{ param('freshness.window_days') }} AS INTEGER))
  )
  GROUP BY ALL
),

final AS (
  SELECT
    e.account_id,
    e.region,
    e.day,
    coalesce(o.objects, 0) AS objects,
    coalesce(v.events, 0) AS events,
    CASE WHEN coalesce(o.objects, 0) = 0 THEN 'missing'
      ELSE CASE o.worst WHEN 4 THEN 'missing' WHEN 3 THEN 'mismatch' WHEN 2 THEN 'unverified' ELSE 'verified' END
    END AS verification,
    coalesce(o.objects, 0) = 0 AS is_gap
  FROM expected AS e
  LEFT JOIN objects AS o USING (account_id, region, day)
  LEFT JOIN events AS v USING (account_id, region, day)
)

SELECT * FROM final

-- coverage --by day: every configured account × region × day of the window.
SELECT day, account_id, region, objects, events, verification, is_gap
FROM cloudtrail_coverage
WHERE day >= $since_day::DATE AND day < $until_day::DATE
ORDER BY account_id, region, day

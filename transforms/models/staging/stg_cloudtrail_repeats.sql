-- The eventIDs delivered more than once (an addendum re-delivery, an object read twice), over every
-- CloudTrail event: few, since ingest removes duplicates. Models that count distinct events count
-- every other event once without a distinct-count, and de-duplicate only these.
-- The ids whose 64-bit hash repeats are the candidates (an aggregation on a number, not on text);
-- only the candidates are grouped by the id itself, so a hash collision never lists an id wrongly.
WITH source AS (
  SELECT event_id FROM {{ source('cloudtrail') }}
  WHERE event_id IS NOT NULL
),

repeated_hashes AS (
  SELECT hash(event_id) AS id_hash FROM source GROUP BY id_hash HAVING count(*) > 1
),

final AS (
  SELECT event_id, count(*) AS deliveries
  FROM source
  WHERE hash(event_id) IN (SELECT id_hash FROM repeated_hashes)
  GROUP BY event_id
  HAVING count(*) > 1
)

SELECT * FROM final

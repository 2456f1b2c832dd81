-- Athena queries, one per query id: StartQueryExecution (CloudTrail: who, when, text) completed by
-- the Athena API (state, statement type, bytes scanned).
-- the query id is extracted in a subquery, so the first-per-query filter partitions on a plain
-- column: DuckDB then turns it into a hash aggregation instead of sorting every start event
WITH start_events AS (
  SELECT
    json_extract_string(response_elements, '$.queryExecutionId') AS query_id,
    recipient_account_id AS account_id,
    aws_region AS region,
    json_extract_string(request_parameters, '$.workGroup') AS workgroup,
    json_extract_string(request_parameters, '$.queryString') AS query_text,
    event_time AS submitted_at,
    principal,
    principal_arn,
    principal_kind,
    human_name
  FROM {{ ref('stg_cloudtrail') }}
  WHERE event_source = 'athena.amazonaws.com' AND event_name = 'StartQueryExecution' AND error_code IS NULL
),

started AS (
  SELECT * FROM start_events
  QUALIFY row_number() OVER (PARTITION BY query_id ORDER BY submitted_at) = 1
),

executions AS (
  SELECT * FROM {{ source('athena_queries') }}
  WHERE query_id IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY query_id ORDER BY collected_at DESC NULLS LAST) = 1
),

joined AS (
  SELECT
    coalesce(s.query_id, e.query_id) AS query_id,
    coalesce(e.account_id, s.account_id) AS account_id,
    coalesce(e.region, s.region) AS region,
    coalesce(e.workgroup, s.workgroup, 'primary') AS workgroup,
    coalesce(e.query_text, s.query_text) AS query_text,
    e.statement_type,
    e.state AS query_state,
    coalesce(e.submitted_at, s.submitted_at) AS submitted_at,
    e.completed_at,
    e.data_scanned_bytes AS bytes_scanned,
    e.error_type,
    s.principal,
    s.principal_arn,
    s.principal_kind,
    s.human_name
  FROM started AS s
  FULL OUTER JOIN executions AS e ON e.query_id = s.query_id
  WHERE coalesce(s.query_id, e.query_id) IS NOT NULL
),

final AS (
  SELECT * FROM joined
)

SELECT * FROM final

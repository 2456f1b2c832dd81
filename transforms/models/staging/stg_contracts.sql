-- Data-product contracts (sources.contracts), one row per product.
WITH source AS (
  SELECT * FROM {{ source('data_contracts') }}
  WHERE product IS NOT NULL
),

final AS (
  SELECT
    product,
    table_fqn,
    coalesce(database_name, split_part(table_fqn, '.', 1)) AS database_name,
    coalesce(table_name, split_part(table_fqn, '.', 2)) AS table_name,
    account_id,
    domain,
    owner_team AS owner,
    owner_contact,
    sensitivity,
    sla_text,
    lower(cadence) AS cadence,
    warn_lag_hours,
    max_lag_hours,
    partition_key
  FROM source
  QUALIFY row_number() OVER (PARTITION BY product ORDER BY source_file) = 1
)

SELECT * FROM final

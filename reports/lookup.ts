/**
 * The names a user may type (tables, principals, domains) as the lake knows them, and the
 * UsageError with "did you mean" suggestions when a typed name is not among them.
 */
import { UsageError } from '../lib/errors.js';
import type { Database } from '../lib/lake/duckdb.js';
import { closestMatches } from '../lib/text/suggest.js';

/** The tables and views of the lake's DuckDB file (marts and dataset views). */
export async function relationsPresent(db: Database): Promise<Set<string>> {
  const rows = await db.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main'",
  );
  return new Set(rows.map((row) => row.name));
}

/** Every `db.table` the lake knows: Glue snapshots, accesses and data products. */
export async function knownTables(db: Database): Promise<string[]> {
  const present = await relationsPresent(db);
  const parts: string[] = [];
  if (present.has('glue_tables')) {
    parts.push("SELECT database_name || '.' || table_name AS name FROM glue_tables WHERE table_name IS NOT NULL");
  }
  if (present.has('data_access')) parts.push('SELECT table_fqn AS name FROM data_access');
  if (present.has('product_freshness')) parts.push('SELECT table_fqn AS name FROM product_freshness');
  return distinctNames(db, parts);
}

/**
 * The columns of `db.table` as the Glue snapshots describe them (columns and partition keys, every
 * account's copy); empty when the lake holds no schema for it (a table known only from accesses).
 */
export async function knownColumns(db: Database, table: string): Promise<string[]> {
  const present = await relationsPresent(db);
  if (!present.has('glue_tables')) return [];
  // A glue_tables without the schema columns (an old lake, a fixture) describes no columns.
  const described = await db.all<{ name: string }>(
    "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'glue_tables' AND column_name IN ('columns', 'partition_keys')",
  );
  if (described.length < 2) return [];
  const rows = await db.all<{ name: string }>(
    `WITH described AS (
       SELECT columns, partition_keys FROM glue_tables
       WHERE lower(database_name || '.' || table_name) = lower($table)
     )
     SELECT DISTINCT name FROM (
       SELECT unnest(CAST(json_extract_string(columns, '$[*].Name') AS VARCHAR[])) AS name FROM described WHERE columns IS NOT NULL
       UNION ALL
       SELECT unnest(partition_keys) AS name FROM described WHERE partition_keys IS NOT NULL
     ) WHERE name IS NOT NULL ORDER BY name`,
    { table },
  );
  return rows.map((row) => row.name);
}

/** Every principal that made an access, by display name, human name and ARN. */
export async function knownPrincipals(db: Database): Promise<string[]> {
  const present = await relationsPresent(db);
  if (!present.has('data_access')) return [];
  return distinctNames(db, [
    'SELECT principal AS name FROM data_access',
    'SELECT human_name AS name FROM data_access',
    'SELECT principal_arn AS name FROM data_access',
  ]);
}

/** Domains of data products (health) or of chargeback rows. */
export async function knownDomains(db: Database, relation: 'product_freshness' | 'domain_chargeback'): Promise<string[]> {
  const present = await relationsPresent(db);
  if (!present.has(relation)) return [];
  return distinctNames(db, [`SELECT domain AS name FROM ${relation}`]);
}

async function distinctNames(db: Database, selects: readonly string[]): Promise<string[]> {
  if (selects.length === 0) return [];
  const rows = await db.all<{ name: string }>(
    `SELECT DISTINCT name FROM (${selects.join(' UNION ALL ')}) WHERE name IS NOT NULL ORDER BY name`,
  );
  return rows.map((row) => row.name);
}

/** Throws a UsageError naming `what` and the closest known names when `name` is not known. */
export function assertKnown(
  name: string,
  known: readonly string[],
  what: string,
  options: { caseInsensitive?: boolean } = {},
): string {
  const match = options.caseInsensitive
    ? known.find((candidate) => candidate.toLowerCase() === name.toLowerCase())
    : known.find((candidate) => candidate === name);
  if (match !== undefined) return match;
  const suggestions = closestMatches(name, known);
  const hint =
    suggestions.length > 0
      ? `did you mean ${suggestions.map((suggestion) => `"${suggestion}"`).join(' or ')}?`
      : known.length > 0
        ? `known ${what}s include ${known
            .slice(0, 5)
            .map((candidate) => `"${candidate}"`)
            .join(', ')}`
        : 'the lake knows none yet: run `meshwatch run` first';
  throw new UsageError(`unknown ${what} "${name}"`, { context: { [what]: name }, hint });
}

/**
 * Creates the typed `src_<name>` relation for every declared source: a view over the dataset's view
 * with each declared column cast to its type, or an empty typed table when the dataset is absent,
 * so models never fail on a source that is not configured. A dataset whose files lack a declared
 * column fails the transform with the missing names: read as NULL, it would make every model that
 * uses the column quietly wrong.
 */
import { TransformError } from '../../lib/errors.js';
import { type Database, quoteIdentifier } from '../../lib/lake/duckdb.js';
import { SOURCES, type SourceColumns, type SourceDefinition } from './sources.js';
import { sourceTableName } from './template.js';

export interface SourceTableResult {
  readonly name: string;
  readonly present: boolean;
}

/** Datasets present as views in the database (created by refreshDatasetViews). */
export async function existingRelations(db: Database): Promise<Set<string>> {
  const rows = await db.all<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main'`,
  );
  return new Set(rows.map((row) => row.name));
}

export async function createSourceTables(
  db: Database,
  rowsFor: (source: SourceDefinition) => Promise<void> | undefined,
): Promise<SourceTableResult[]> {
  const relations = await existingRelations(db);
  const results: SourceTableResult[] = [];
  for (const source of SOURCES) {
    const target = quoteIdentifier(sourceTableName(source.name));
    await dropRelation(db, sourceTableName(source.name));
    if (source.kind === 'dataset' && relations.has(source.name)) {
      const available = await columnsOf(db, source.name);
      assertDeclaredColumnsPresent(source, available);
      await db.run(`CREATE VIEW ${target} AS SELECT ${castList(source.columns, available)} FROM ${quoteIdentifier(source.name)}`);
      results.push({ name: source.name, present: true });
      continue;
    }
    await createEmptySourceTable(db, source);
    const filling = rowsFor(source);
    if (filling) await filling;
    results.push({ name: source.name, present: false });
  }
  return results;
}

export async function createEmptySourceTable(db: Database, source: SourceDefinition): Promise<void> {
  const target = quoteIdentifier(sourceTableName(source.name));
  const columns = Object.entries(source.columns)
    .map(([name, type]) => `${quoteIdentifier(name)} ${type}`)
    .join(', ');
  await dropRelation(db, sourceTableName(source.name));
  await db.run(`CREATE TABLE ${target} (${columns})`);
}

/** Drops a table or view of that name, whichever it is (DuckDB refuses DROP VIEW on a table). */
export async function dropRelation(db: Database, name: string): Promise<void> {
  const rows = await db.all<{ table_type: string }>(
    `SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $name`,
    { name },
  );
  for (const row of rows) {
    await db.run(`DROP ${row.table_type === 'VIEW' ? 'VIEW' : 'TABLE'} ${quoteIdentifier(name)}`);
  }
}

async function columnsOf(db: Database, relation: string): Promise<Map<string, string>> {
  const rows = await db.all<{ column_name: string; column_type: string }>(
    `SELECT column_name, column_type FROM (DESCRIBE ${quoteIdentifier(relation)})`,
  );
  return new Map(rows.map((row) => [row.column_name, row.column_type]));
}

function assertDeclaredColumnsPresent(source: SourceDefinition, available: Map<string, string>): void {
  const missing = Object.keys(source.columns).filter((name) => !available.has(name));
  if (missing.length === 0) return;
  throw new TransformError(`dataset ${source.name} lacks declared column(s) ${missing.join(', ')}`, {
    context: { dataset: source.name, missing: missing.join(',') },
    hint: `the files under lake/${source.name}/ were written by another meshwatch version: collect the source again, or remove the folder and re-run collect`,
  });
}

/**
 * Each declared column, cast only when the dataset's type differs: a cast is not free (text → JSON
 * parses every payload), and most datasets already have the declared types.
 */
function castList(columns: SourceColumns, available: Map<string, string>): string {
  return Object.entries(columns)
    .map(([name, type]) => {
      const column = quoteIdentifier(name);
      return available.get(name) === type ? column : `TRY_CAST(${column} AS ${type}) AS ${column}`;
    })
    .join(', ');
}

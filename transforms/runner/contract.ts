/**
 * dbt-style enforced contracts: after a model with `contract: { enforced: true }` is built, its
 * `DESCRIBE` must list exactly the declared columns — same names, same order, same types — or the
 * build fails listing every difference. The marts' .yml is then the one declaration the Athena
 * tables, the docs and the tests are derived from, and it cannot drift from what the SQL returns.
 */
import { TransformError } from '../../lib/errors.js';
import { type Database, quoteIdentifier } from '../../lib/lake/duckdb.js';
import { type ContractColumn, contractColumns, type Model } from './model.js';

export interface ActualColumn {
  readonly name: string;
  readonly type: string;
}

export async function describeRelation(db: Database, relation: string): Promise<ActualColumn[]> {
  const rows = await db.all<{ column_name: string; column_type: string }>(
    `SELECT column_name, column_type FROM (DESCRIBE ${quoteIdentifier(relation)})`,
  );
  return rows.map((row) => ({ name: row.column_name, type: row.column_type }));
}

/** Every way the built columns differ from the declared ones, in words; empty when they match. */
export function contractDifferences(declared: readonly ContractColumn[], actual: readonly ActualColumn[]): string[] {
  const differences: string[] = [];
  const actualByName = new Map(actual.map((column, index) => [column.name, { ...column, index }]));
  const declaredNames = new Set(declared.map((column) => column.name));
  for (const [index, column] of declared.entries()) {
    const built = actualByName.get(column.name);
    if (!built) differences.push(`${column.name}: declared (${column.data_type}) but not built`);
    else if (built.type !== column.data_type)
      differences.push(`${column.name}: declared ${column.data_type}, built ${built.type}`);
    else if (built.index !== index)
      differences.push(`${column.name}: declared at position ${index + 1}, built at ${built.index + 1}`);
  }
  for (const column of actual) {
    if (!declaredNames.has(column.name)) differences.push(`${column.name}: built (${column.type}) but not declared`);
  }
  return differences;
}

/** Throws a TransformError listing the differences when a contracted model's table breaks its contract. */
export async function enforceContract(db: Database, model: Model): Promise<void> {
  const declared = contractColumns(model);
  if (!declared) return;
  const differences = contractDifferences(declared, await describeRelation(db, model.name));
  if (differences.length === 0) return;
  throw new TransformError(`model ${model.name} breaks its contract: ${differences.join('; ')}`, {
    context: { file: model.sqlFile.replace(/\.sql$/, '.yml') },
    hint: 'change the SQL back, or change the columns (name, order, data_type) in the model .yml — its consumers read them',
  });
}

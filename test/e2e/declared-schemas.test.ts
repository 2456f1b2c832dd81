/**
 * Issue 21's "done when": on the sample lake (collected and transformed as a user runs it), for
 * every dataset and mart, the Parquet schema, the declaration (ingest/*\/datasets.ts and friends,
 * transforms/models/marts/*.yml) and the synthesised Glue table are identical — names, order, types.
 */
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, quoteLiteral } from '../../lib/lake/duckdb.js';
import { lakeLayout } from '../../lib/lake/layout.js';
import { datasetScanSql, listDatasets } from '../../lib/lake/views.js';
import { declaredShapes, inHiveTypes, synthesisedGlueTables, type TableShape } from '../infra/glue-tables.js';
import { synthesizeRepositoryApp } from '../infra/synth-fixture.js';
import { sampleLake, sampleTruth } from '../reports/sample-lake.js';

const hasSample = (await sampleTruth()) !== undefined;
if (!hasSample) console.warn('declared schemas: sample-logs/truth.json is absent; run npm run sample to generate it');

async function describeColumns(db: Database, from: string): Promise<string[]> {
  const rows = await db.all<{ column_name: string; column_type: string }>(
    `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`,
  );
  return rows.map((row) => `${row.column_name} ${row.column_type}`);
}

/** Each dataset and mart of the lake as its Parquet files say: stored columns, then partition keys in folder order. */
async function parquetShapes(lake: string): Promise<Map<string, TableShape>> {
  const db = await openDatabase(':memory:');
  const shapes = new Map<string, TableShape>();
  try {
    for (const dataset of await listDatasets(lakeLayout(lake))) {
      const files = quoteLiteral(join(dataset.dir, '**', '*.parquet'));
      const columns = await describeColumns(db, `read_parquet(${files}, hive_partitioning = false, union_by_name = true)`);
      // DuckDB lists hive columns by name; the folder order is the one Glue and the writers use.
      const typed = new Map(
        (await describeColumns(db, datasetScanSql(dataset))).map((column) => [column.split(' ')[0], column] as const),
      );
      shapes.set(dataset.name, { columns, partitions: dataset.partitionKeys.map((key) => typed.get(key) ?? `${key} ?`) });
    }
    const marts = await listDatasets(lakeLayout(join(lake, 'marts')));
    for (const mart of marts) {
      shapes.set(mart.name, {
        columns: await describeColumns(db, `read_parquet(${quoteLiteral(join(mart.dir, '*.parquet'))})`),
        partitions: [],
      });
    }
  } finally {
    db.close();
  }
  return shapes;
}

describe.skipIf(!hasSample)('declared schemas on the sample lake', () => {
  let parquet: Map<string, TableShape>;
  let glue: Map<string, TableShape>;
  const declared = declaredShapes();

  beforeAll(async () => {
    const [lake, app] = await Promise.all([sampleLake(), synthesizeRepositoryApp()]);
    parquet = await parquetShapes(lake);
    glue = synthesisedGlueTables(app.templates.get(app.built.analytics.node.id) as Template);
  }, 900_000);

  it('has Parquet for exactly the declared datasets and marts', () => {
    expect([...parquet.keys()].sort()).toEqual([...declared.keys()].sort());
  });

  for (const name of declared.keys()) {
    it(`${name}: Parquet schema = declaration = Glue table (names, order, types)`, () => {
      const shape = declared.get(name) as TableShape;
      expect({ name, ...parquet.get(name) }).toEqual({ name, ...shape });
      expect({ name, ...glue.get(name) }).toEqual({ name, ...inHiveTypes(shape) });
    });
  }
});

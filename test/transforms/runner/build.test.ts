import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../lib/config/schema.js';
import { type Database, openDatabase } from '../../../lib/lake/duckdb.js';
import { buildModels, lastReaderIndex } from '../../../transforms/runner/build.js';
import { orderModels } from '../../../transforms/runner/graph.js';
import { loadModels } from '../../../transforms/runner/model.js';
import { paramsFromConfig } from '../../../transforms/runner/params.js';

const params = paramsFromConfig(configSchema.parse({ organization: { id: 'o-abc123def4' } }), new Date('2026-10-31T00:00:00Z'));

/** A models folder: stg_numbers → int_doubled → two marts, the last one with a DuckDB setting. */
async function modelsDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshwatch-build-'));
  const files: Record<string, string> = {
    'staging/stg_numbers.sql': 'SELECT i AS n FROM range(5) AS t(i)',
    'staging/stg_numbers.yml': 'description: numbers',
    'intermediate/int_doubled.sql': "SELECT n, n * 2 AS doubled FROM {{ ref('stg_numbers') }}",
    'intermediate/int_doubled.yml': 'description: doubled',
    'marts/doubled_total.sql': "SELECT sum(doubled) AS total FROM {{ ref('int_doubled') }}",
    'marts/doubled_total.yml':
      'description: total\ncontract: { enforced: true }\ncolumns: [{ name: total, data_type: HUGEINT }]\n',
    'marts/doubled_max.sql':
      "SELECT max(doubled) AS biggest, current_setting('disabled_optimizers') AS optimizers_off FROM {{ ref('int_doubled') }}",
    'marts/doubled_max.yml':
      'description: max\ncontract: { enforced: true }\ncolumns: [{ name: biggest, data_type: BIGINT }, { name: optimizers_off, data_type: VARCHAR }]\nsettings:\n  disabled_optimizers: build_side_probe_side\n',
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(dir, file.split('/')[0] as string), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

async function tablesOf(db: Database): Promise<{ name: string; temporary: boolean }[]> {
  return db.all<{ name: string; temporary: boolean }>(
    'SELECT table_name AS name, temporary FROM duckdb_tables() ORDER BY table_name',
  );
}

describe('buildModels', () => {
  it('fails a mart whose built columns differ from its contract, listing each difference', async () => {
    // Prepare: the SQL returns total as HUGEINT, adds a column and drops one the .yml declares
    const dir = await modelsDir();
    await writeFile(
      join(dir, 'marts/doubled_total.sql'),
      "SELECT 1 AS extra, sum(doubled) AS total FROM {{ ref('int_doubled') }}",
    );
    await writeFile(
      join(dir, 'marts/doubled_total.yml'),
      'description: total\ncontract: { enforced: true }\ncolumns:\n  - { name: total, data_type: DOUBLE }\n  - { name: gone, data_type: VARCHAR }\n',
    );
    const models = orderModels(await loadModels(dir));
    const db = await openDatabase(':memory:');
    try {
      // Act / Assess
      await expect(buildModels(db, models, params)).rejects.toThrow(
        'model doubled_total breaks its contract: total: declared DOUBLE, built HUGEINT; gone: declared (VARCHAR) but not built; extra: built (INTEGER) but not declared',
      );
    } finally {
      db.close();
    }
  });

  it('refuses a mart without an enforced contract', async () => {
    const dir = await modelsDir();
    await writeFile(join(dir, 'marts/doubled_total.yml'), 'description: total\ncolumns:\n  total: the sum\n');
    await expect(loadModels(dir)).rejects.toThrow('mart doubled_total has no enforced contract');
  });

  it('keeps marts in the database file and staging/intermediate models only as temporary tables', async () => {
    // Prepare
    const models = orderModels(await loadModels(await modelsDir()));
    const file = join(await mkdtemp(join(tmpdir(), 'meshwatch-build-db-')), 'lake.duckdb');
    const db = await openDatabase(file);
    try {
      // Act
      const runs = await buildModels(db, models, params);
      // Assess
      expect(runs.map((run) => [run.name, run.rows])).toEqual([
        ['stg_numbers', 5],
        ['int_doubled', 5],
        ['doubled_max', 1],
        ['doubled_total', 1],
      ]);
      expect(await tablesOf(db)).toEqual([
        { name: 'doubled_max', temporary: false },
        { name: 'doubled_total', temporary: false },
        { name: 'int_doubled', temporary: true },
        { name: 'stg_numbers', temporary: true },
      ]);
    } finally {
      db.close();
    }
    const reopened = await openDatabase(file, { readOnly: true });
    try {
      expect((await tablesOf(reopened)).map((table) => table.name)).toEqual(['doubled_max', 'doubled_total']);
      expect(await reopened.all('SELECT total FROM doubled_total')).toEqual([{ total: 20 }]);
    } finally {
      reopened.close();
    }
  });

  it('with dropIntermediates, drops each temporary table once the last model reading it is built', async () => {
    // Prepare
    const models = orderModels(await loadModels(await modelsDir()));
    const db = await openDatabase(':memory:');
    try {
      // Act
      const runs = await buildModels(db, models, params, { dropIntermediates: true });
      // Assess
      expect(lastReaderIndex(models)).toEqual(
        new Map([
          ['stg_numbers', 1],
          ['int_doubled', 3],
        ]),
      );
      // doubled_total is built last and still read int_doubled, so it was dropped only after it
      expect(runs.find((run) => run.name === 'doubled_total')?.rows).toBe(1);
      expect((await tablesOf(db)).map((table) => table.name)).toEqual(['doubled_max', 'doubled_total']);
    } finally {
      db.close();
    }
  });

  it('applies a model’s DuckDB settings while it is built and resets them afterwards', async () => {
    // Prepare
    const models = orderModels(await loadModels(await modelsDir()));
    const db = await openDatabase(':memory:');
    try {
      // Act
      await buildModels(db, models, params);
      // Assess
      expect(await db.all('SELECT biggest, optimizers_off FROM doubled_max')).toEqual([
        { biggest: 8, optimizers_off: 'build_side_probe_side' },
      ]);
      expect(await db.all("SELECT current_setting('disabled_optimizers') AS off")).toEqual([{ off: '' }]);
    } finally {
      db.close();
    }
  });
});

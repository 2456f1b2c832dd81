import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../lib/lake/duckdb.js';
import { assertDataTestsPass, type DataTest, runDataTests } from '../../../transforms/runner/data-tests.js';
import { contractColumns, loadModels } from '../../../transforms/runner/model.js';

async function withMarts<T>(run: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(':memory:');
  try {
    await db.run(
      `CREATE TABLE accesses AS SELECT * FROM (VALUES ('a', 'allowed'), ('a', 'denied'), (NULL, 'maybe'), ('b', 'allowed')) AS t(id, outcome)`,
    );
    await db.run(`CREATE TABLE pii AS SELECT * FROM (VALUES ('a'), ('z')) AS t(access_id)`);
    return await run(db);
  } finally {
    db.close();
  }
}

describe('data tests', () => {
  it('find the offending rows of not_null, unique, accepted_values and relationships', async () => {
    await withMarts(async (db) => {
      const failures = await runDataTests(db, [
        { model: 'accesses', column: 'id', tests: ['not_null', 'unique'] },
        { model: 'accesses', column: 'outcome', tests: [{ accepted_values: { values: ['allowed', 'denied'] } }] },
        { model: 'pii', column: 'access_id', tests: [{ relationships: { to: 'accesses', field: 'id' } }] },
      ]);
      expect(failures).toEqual([
        { model: 'accesses', column: 'id', test: 'not_null', rows: [{ id: null, outcome: 'maybe' }] },
        { model: 'accesses', column: 'id', test: 'unique', rows: [{ id: 'a', occurrences: 2 }] },
        {
          model: 'accesses',
          column: 'outcome',
          test: 'accepted_values ["allowed","denied"]',
          rows: [{ outcome: 'maybe', occurrences: 1 }],
        },
        { model: 'pii', column: 'access_id', test: 'relationships → accesses.id', rows: [{ access_id: 'z' }] },
      ]);
      expect(() => assertDataTestsPass(failures, 5)).toThrow(
        /4 of 5 data tests failed on the built marts:\naccesses\.id not_null: \{"id":null,"outcome":"maybe"\}/,
      );
    });
  });

  it('pass when every row holds', async () => {
    await withMarts(async (db) => {
      const tests: DataTest[] = ['not_null', { accepted_values: { values: ['allowed'] } }];
      expect(
        await runDataTests(db, [
          { model: 'accesses', column: 'id', tests: [] },
          { model: 'pii', column: 'access_id', tests: tests.slice(0, 1) },
        ]),
      ).toEqual([]);
    });
  });

  it('are declared on the keys and enumerations of the real marts', async () => {
    const models = await loadModels();
    const declared = models.flatMap((model) =>
      (contractColumns(model) ?? [])
        .filter((column) => column.data_tests?.length)
        .map((column) => `${model.name}.${column.name}`),
    );
    expect(declared).toEqual(
      expect.arrayContaining(['data_access.access_id', 'grant_drift.severity', 'pii_access_history.access_id']),
    );
  });
});

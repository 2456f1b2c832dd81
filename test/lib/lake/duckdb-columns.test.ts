import { describe, expect, it } from 'vitest';
import { allByColumns, openDatabase } from '../../../lib/lake/duckdb.js';

describe('allByColumns', () => {
  it('returns the same rows, values and key order as Database.all for every kind of column', async () => {
    // Prepare
    const db = await openDatabase(':memory:');
    const sql = `
      SELECT
        i AS id,
        'name-' || i AS name,
        CASE WHEN i % 2 = 0 THEN NULL ELSE 'odd' END AS maybe,
        i % 3 = 0 AS flag,
        i * 1.5 AS ratio,
        CAST(i AS BIGINT) * 1000000000000 AS big,
        CAST(9007199254740993 AS BIGINT) AS too_big,
        CAST(i AS DECIMAL(10, 2)) AS amount,
        TIMESTAMP '2026-10-01 00:00:00' + to_seconds(i) AS at,
        DATE '2026-10-01' + CAST(i AS INTEGER) AS day,
        [i, i + 1] AS pair,
        {'k': i, 's': 'v'} AS struct_value,
        CAST('{"a": 1}' AS JSON) AS payload,
        INTERVAL 1 DAY AS span
      FROM range(3000) AS t(i)
      WHERE i >= $from
      ORDER BY i`;
    try {
      // Act
      const byRows = await db.all(sql, { from: 1 });
      const byColumns = await allByColumns(db, sql, { from: 1 });
      // Assess
      expect(byColumns).toHaveLength(2999);
      expect(byColumns).toEqual(byRows);
      expect(JSON.stringify(byColumns)).toBe(JSON.stringify(byRows));
      expect(byColumns[0]).toMatchObject({
        id: 1,
        at: '2026-10-01T00:00:01.000Z',
        day: '2026-10-02',
        too_big: '9007199254740993',
      });
    } finally {
      db.close();
    }
  });

  it('returns no rows for an empty result', async () => {
    const db = await openDatabase(':memory:');
    try {
      expect(await allByColumns(db, 'SELECT 1 AS one WHERE false')).toEqual([]);
    } finally {
      db.close();
    }
  });
});

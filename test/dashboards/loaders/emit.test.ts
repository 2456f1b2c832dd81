import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowTable } from '../../../dashboards/loaders/emit.js';
import { runQuery } from '../../../dashboards/loaders/query.js';
import { openDatabase } from '../../../lib/lake/duckdb.js';

describe('arrowTable', () => {
  it('types timestamps, numbers, booleans and text from the DuckDB column types', async () => {
    const db = await openDatabase(':memory:');
    const result = await runQuery(
      db,
      `select timestamp '2026-10-03 10:00:00' as event_time, 12345678901::BIGINT as bytes_scanned, 0.25::DECIMAL(5,2) as share,
              true as is_new_reader, 'alice' as principal, ['e-1', 'e-2'] as event_ids
       union all select null, null, null, null, null, null`,
    );
    db.close();

    const table = tableFromIPC(tableToIPC(arrowTable(result)));
    const types = Object.fromEntries(table.schema.fields.map((field) => [field.name, String(field.type)]));
    const [first, second] = table.toArray().map((row) => row.toJSON());

    expect(types).toEqual({
      event_time: 'Timestamp<MILLISECOND>',
      bytes_scanned: 'Float64',
      share: 'Float64',
      is_new_reader: 'Bool',
      principal: 'Utf8',
      event_ids: 'Utf8',
    });
    expect(first).toEqual({
      event_time: Date.parse('2026-10-03T10:00:00Z'),
      bytes_scanned: 12345678901,
      share: 0.25,
      is_new_reader: true,
      principal: 'alice',
      event_ids: 'e-1, e-2',
    });
    expect(Object.values(second ?? {})).toEqual([null, null, null, null, null, null]);
  });

  it('gives an unavailable mart a table without rows', () => {
    const table = tableFromIPC(tableToIPC(arrowTable({ columns: [], rows: [] })));

    expect(table.numRows).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import { formatRows, parseOutputFormat } from '../../../lib/output/format.js';

const ROWS = [
  { principal: 'alice', query: 'select a, b from t where x = "y"\nlimit 1', bytes: 1024 },
  { principal: 'bob', query: null, bytes: 5 },
];

describe('formatRows', () => {
  it('prints JSON that parses back to the same rows', () => {
    expect(JSON.parse(formatRows(ROWS, 'json'))).toEqual(ROWS);
  });

  it('writes CSV with a header and RFC 4180 quoting of commas, quotes and newlines', () => {
    const csv = formatRows(ROWS, 'csv');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('principal,query,bytes');
    expect(csv).toContain('"select a, b from t where x = ""y""\nlimit 1"');
    expect(lines.at(-2)).toBe('bob,,5');
  });

  it('aligns table columns and right-aligns numbers, one line per row', () => {
    const table = formatRows(ROWS, 'table').trimEnd().split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toContain('limit 1');
    const bytesEnd = (table[0] as string).length;
    expect(table[2]?.length).toBe(bytesEnd);
    expect(table[3]?.endsWith('    5')).toBe(true);
  });

  it('keeps the declared column order and fills absent values', () => {
    const json = JSON.parse(formatRows([{ b: 1 }], 'json', [{ name: 'a' }, { name: 'b' }]));
    expect(Object.keys(json[0])).toEqual(['a', 'b']);
    expect(json[0].a).toBeNull();
  });

  it('renders a table of a few hundred thousand rows (column widths without spreading rows into one call)', () => {
    const rows = Array.from({ length: 200_000 }, (_, index) => ({ principal: `user-${index}`, reads: index }));
    const lines = formatRows(rows, 'table').trimEnd().split('\n');
    expect(lines).toHaveLength(200_002);
    expect(lines[0]).toBe(`${'principal'.padEnd('user-199999'.length)}   reads`);
  });
});

describe('parseOutputFormat', () => {
  it('rejects an unknown format with the accepted ones', () => {
    expect(() => parseOutputFormat('xml')).toThrow(UsageError);
    expect(() => parseOutputFormat('xml')).toThrow(/xml/);
  });
});

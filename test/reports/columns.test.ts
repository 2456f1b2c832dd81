import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatHours,
  formatPercentChange,
  formatRatio,
  formatTimestamp,
  formatUsd,
  formatUsdChange,
} from '../../lib/output/format.js';
import { queryColumn } from '../../reports/columns.js';

describe('table units', () => {
  it('prints bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatBytes(null)).toBe('');
  });

  it('prints USD with two decimals and thousands separators, changes signed', () => {
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(0.004)).toBe('$0.00');
    expect(formatUsd(-3.5)).toBe('-$3.50');
    expect(formatUsdChange(12)).toBe('+$12.00');
    expect(formatUsdChange(-0.5)).toBe('-$0.50');
    expect(formatPercentChange(12.345)).toBe('+12.3%');
  });

  it('prints lags in hours, ratios as percentages and timestamps without milliseconds', () => {
    expect(formatHours(26.25)).toBe('26.3 h');
    expect(formatRatio(0.9333)).toBe('93.3%');
    expect(formatTimestamp('2026-10-03T14:05:09.000Z')).toBe('2026-10-03 14:05:09Z');
  });

  it('shortens query text to one line in tables', () => {
    const display = queryColumn('query', 20).display as (value: unknown) => string;
    expect(display('select a,\n  b from sales_db.customers')).toBe('select a, b from sa…');
  });
});

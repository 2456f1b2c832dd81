import { describe, expect, it } from 'vitest';
import { fetchPeriod, nextFinalThrough } from '../../../ingest/cost-explorer/fetch-plan.js';
import { tagValueOf } from '../../../ingest/cost-explorer/rows.js';

const NOW = new Date('2026-10-31T00:00:00Z');

describe('cost explorer fetch plan', () => {
  it('asks the whole history the first time', () => {
    expect(fetchPeriod(NOW, 60, 3, undefined)).toEqual({ start: '2026-09-01', end: '2026-10-31' });
  });

  it('asks only the refresh window once earlier days are final', () => {
    expect(fetchPeriod(NOW, 60, 3, '2026-10-27')).toEqual({ start: '2026-10-28', end: '2026-10-31' });
  });

  it('asks from the day after the last final day when that is before the refresh window', () => {
    expect(fetchPeriod(NOW, 60, 3, '2026-10-20')).toEqual({ start: '2026-10-21', end: '2026-10-31' });
  });

  it('extends the final days only through an unbroken run of non-estimated days before the refresh window', () => {
    const period = { start: '2026-10-20', end: '2026-10-31' };
    const estimated = new Map<string, boolean>();
    for (let day = 20; day <= 30; day += 1) estimated.set(`2026-10-${day}`, day === 24);
    expect(nextFinalThrough('2026-10-19', period, estimated, 3)).toBe('2026-10-23');
    estimated.set('2026-10-24', false);
    expect(nextFinalThrough('2026-10-19', period, estimated, 3)).toBe('2026-10-27');
  });

  it('reads tag values from Cost Explorer group keys, untagged as empty', () => {
    expect(tagValueOf('domain$sales', 'domain')).toBe('sales');
    expect(tagValueOf('domain$', 'domain')).toBe('');
  });
});

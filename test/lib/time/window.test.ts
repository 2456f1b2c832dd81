import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import { parseWindow } from '../../../lib/time/window.js';

const NOW = new Date('2026-10-31T00:00:00Z');
const iso = (window: { since: Date; until: Date }) => [window.since.toISOString(), window.until.toISOString()];

describe('parseWindow', () => {
  it('reads a duration before now', () => {
    expect(iso(parseWindow({ since: '30d' }, NOW))).toEqual(['2026-10-01T00:00:00.000Z', '2026-10-31T00:00:00.000Z']);
    expect(iso(parseWindow({ since: '12h' }, NOW))[0]).toBe('2026-10-30T12:00:00.000Z');
  });

  it('treats a month given alone as the whole month', () => {
    expect(iso(parseWindow({ since: '2026-09' }, NOW))).toEqual(['2026-09-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z']);
  });

  it('reads last-quarter relative to now', () => {
    expect(iso(parseWindow({ since: 'last-quarter' }, NOW))).toEqual(['2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z']);
  });

  it('makes a bare --until date inclusive of that day', () => {
    expect(iso(parseWindow({ since: '2026-10-01', until: '2026-10-02' }, NOW))[1]).toBe('2026-10-03T00:00:00.000Z');
  });

  it('rejects a malformed date and lists the accepted forms', () => {
    expect(() => parseWindow({ since: '2026-13-45x' }, NOW)).toThrow(UsageError);
    try {
      parseWindow({ since: 'last-fortnight' }, NOW);
    } catch (error) {
      expect((error as UsageError).hint).toContain('90d');
      expect((error as UsageError).hint).toContain('last-quarter');
    }
  });

  it('rejects an --until before --since', () => {
    expect(() => parseWindow({ since: '2026-10-05', until: '2026-10-01T00:00:00Z' }, NOW)).toThrow(/not after/);
  });
});

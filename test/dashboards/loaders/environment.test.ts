import { describe, expect, it } from 'vitest';
import {
  lakeFromEnvironment,
  newReaderWindowStart,
  nowFromEnvironment,
  routeParameter,
} from '../../../dashboards/loaders/environment.js';
import { UsageError } from '../../../lib/errors.js';

describe('loader environment', () => {
  it('needs the lake and says how to provide it', () => {
    expect(() => lakeFromEnvironment({})).toThrow(UsageError);
    expect(lakeFromEnvironment({ MESHWATCH_LAKE: '/data/lake' })).toBe('/data/lake');
  });

  it('takes "now" from the build and refuses a malformed one', () => {
    expect(nowFromEnvironment({ MESHWATCH_NOW: '2026-10-31T00:00:00Z' }).toISOString()).toBe('2026-10-31T00:00:00.000Z');
    expect(() => nowFromEnvironment({ MESHWATCH_NOW: 'yesterday-ish' })).toThrow(UsageError);
  });

  it('puts the new-reader window the configured number of days before now', () => {
    const env = { MESHWATCH_NOW: '2026-10-31T00:00:00Z', MESHWATCH_NEW_READER_DAYS: '3' };

    expect(newReaderWindowStart(env)).toEqual({ since: '2026-10-28T00:00:00.000Z', now: '2026-10-31T00:00:00.000Z' });
    expect(newReaderWindowStart({ MESHWATCH_NOW: '2026-10-31T00:00:00Z' }).since).toBe('2026-10-24T00:00:00.000Z');
    expect(() => newReaderWindowStart({ ...env, MESHWATCH_NEW_READER_DAYS: '-1' })).toThrow(UsageError);
  });

  it('reads the route parameter Framework passes as --name=value', () => {
    expect(routeParameter('domain', ['node', 'loader.ts', '--domain=supply-chain'])).toBe('supply-chain');
    expect(() => routeParameter('domain', ['node', 'loader.ts'])).toThrow(UsageError);
  });
});

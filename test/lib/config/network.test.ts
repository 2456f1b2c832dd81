/** The `network` section: defaults when absent, a partial section filled in, bad values named. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load.js';
import { NETWORK_DEFAULTS } from '../../../lib/config/schema.js';
import { ConfigError } from '../../../lib/errors.js';

const MINIMAL = `
organization:
  id: o-abc123def4
  accounts:
    - { id: "111122223333", name: sales-prod, domain: sales, kind: producer }
`;

const parse = (text: string) => parseConfig(text, '/tmp/meshwatch.config.yaml');

describe('config network', () => {
  it('bounds every AWS call by default', () => {
    expect(parse(MINIMAL).network).toEqual({
      connect_timeout_ms: 5_000,
      request_timeout_ms: 60_000,
      max_pages: 10_000,
      assume_role_timeout_ms: 30_000,
      source_deadline_seconds: 1_800,
      run_deadline_seconds: 3_300,
    });
    expect(parse(MINIMAL).network).toEqual(NETWORK_DEFAULTS);
  });

  it('fills the keys a partial section leaves out, and takes fractions of a second for deadlines', () => {
    const network = parse(`${MINIMAL}\nnetwork: { request_timeout_ms: 300, source_deadline_seconds: 0.5 }\n`).network;
    expect(network.request_timeout_ms).toBe(300);
    expect(network.source_deadline_seconds).toBe(0.5);
    expect(network.connect_timeout_ms).toBe(5_000);
  });

  it('names a value that would switch a bound off, and a misspelt key', () => {
    expect(() => parse(`${MINIMAL}\nnetwork: { run_deadline_seconds: 0 }\n`)).toThrow(/network\.run_deadline_seconds/);
    expect(() => parse(`${MINIMAL}\nnetwork: { max_pages: 0 }\n`)).toThrow(ConfigError);
    expect(() => parse(`${MINIMAL}\nnetwork: { request_timeout: 300 }\n`)).toThrow(/did you mean "request_timeout_ms"/);
  });
});

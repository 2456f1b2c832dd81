import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../lib/config/load.js';
import { ConfigError } from '../../../lib/errors.js';

const MINIMAL = `
organization:
  id: o-abc123def4
  accounts:
    - { id: "111122223333", name: sales-prod, domain: sales, kind: producer }
`;

function parseError(text: string): ConfigError {
  try {
    parseConfig(text, '/tmp/meshwatch.config.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected parseConfig to throw');
}

describe('loadConfig', () => {
  it('fills defaults and resolves relative paths against the config file folder', () => {
    const config = parseConfig(`${MINIMAL}\nsources:\n  cloudtrail: { path: ./logs }\n`, '/srv/mesh/meshwatch.config.yaml');
    expect(config.lake).toBe('/srv/mesh/lake');
    expect(config.sources.cloudtrail?.path).toBe('/srv/mesh/logs');
    expect(config.pricing.athena_usd_per_tb).toBe(5);
    expect(config.pii).toEqual({ tag_key: 'sensitivity', tag_values: ['pii'] });
    expect(config.aws.mode).toBe('live');
  });

  it('lets --lake override the config, relative to the working directory', () => {
    const config = parseConfig(MINIMAL, '/srv/mesh/meshwatch.config.yaml', { lake: 'elsewhere' });
    expect(config.lake).toBe(join(process.cwd(), 'elsewhere'));
  });

  it('names a misspelt key and suggests the right one', () => {
    const error = parseError(`${MINIMAL}\nsourcse: {}\n`);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('sourcse: unknown key');
    expect(error.message).toContain('did you mean "sources"');
  });

  it('names a misspelt nested key with its full path', () => {
    const error = parseError(`${MINIMAL}\nsources:\n  cloudtrail: { pth: ./logs }\n`);
    expect(error.message).toContain('sources.cloudtrail.pth: unknown key');
    expect(error.message).toContain('did you mean "path"');
  });

  it('explains an account id that YAML read as a number', () => {
    const error = parseError(
      `organization:\n  id: o-abc123def4\n  accounts:\n    - { id: 111122223333, name: a, domain: sales, kind: producer }\n`,
    );
    expect(error.message).toContain('organization.accounts[0].id');
    expect(error.message).toContain('quotes');
  });

  it('lists the allowed account kinds when one is wrong', () => {
    const error = parseError(MINIMAL.replace('kind: producer', 'kind: produce'));
    expect(error.message).toMatch(/organization\.accounts\[0\]\.kind: must be one of producer, consumer/);
  });

  it('reports a missing required key', () => {
    const error = parseError('lake: ./lake\n');
    expect(error.message).toContain('organization: is required');
  });

  it('reports YAML syntax errors with the file', () => {
    const error = parseError('organization: [unclosed\n');
    expect(error.message).toContain('is not valid YAML');
  });

  it('requires snapshots in file mode', () => {
    const error = parseError(`${MINIMAL}\naws: { mode: file }\n`);
    expect(error.message).toContain('aws.snapshots');
  });

  it('fails with the file name when the file does not exist', async () => {
    const missing = join(await mkdtemp(join(tmpdir(), 'mw-config-')), 'nope.yaml');
    await expect(loadConfig(missing)).rejects.toThrow(/config file not found: .*nope\.yaml/);
  });

  it('loads the repository sample configuration', async () => {
    const config = await loadConfig(join(import.meta.dirname, '../../../meshwatch.config.yaml'));
    expect(config.organization.accounts).toHaveLength(9);
    expect(config.aws.mode).toBe('file');
    expect(config.now).toBe('2026-10-31T00:00:00Z');
  });

  it('reads a file written to disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mw-config-'));
    await writeFile(join(dir, 'c.yaml'), MINIMAL);
    const config = await loadConfig(join(dir, 'c.yaml'));
    expect(config.file).toBe(join(dir, 'c.yaml'));
    expect(config.lake).toBe(join(dir, 'lake'));
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { meshwatch } from './sample-lake.js';

// Mistakes in the command line are caught before the lake is read: an empty temp lake will do.
let lake: string;

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), 'mw-report-cli-'));
});

describe('report commands: input mistakes', () => {
  it('exits 2 on a malformed date and lists the accepted forms', async () => {
    const { code, stderr } = await meshwatch(['--lake', lake, 'who-queried', 'sales_db.customers', '--since', '2026-13-45x']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read "2026-13-45x" as a time');
    expect(stderr).toContain('90d');
    expect(stderr).toContain('last-quarter');
  });

  it('exits 2 on an unknown format, naming the accepted ones', async () => {
    const { code, stderr } = await meshwatch(['--lake', lake, 'health', '--format', 'xml']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown format "xml"');
    expect(stderr).toContain('table|json|csv');
  });

  it('accepts focus only where it exists', async () => {
    const { code, stderr } = await meshwatch(['--lake', lake, 'drift', '--format', 'focus']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown format "focus"');
  });

  it('exits 2 on a malformed month with the accepted form', async () => {
    const { code, stderr } = await meshwatch(['--lake', lake, 'chargeback', '--month', '2026-13']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read "2026-13" as a month');
    expect(stderr).toContain('YYYY-MM');
  });

  it('exits 2 on an unknown grouping or severity', async () => {
    const pii = await meshwatch(['--lake', lake, 'pii-access', '--by', 'team']);
    expect(pii.code).toBe(2);
    expect(pii.stderr).toContain('use --by table or --by person');
    const drift = await meshwatch(['--lake', lake, 'drift', '--severity', 'urgent']);
    expect(drift.code).toBe(2);
    expect(drift.stderr).toContain('critical|high|medium|low');
  });

  it('exits 2 when who-queried is given neither a table nor a principal, or a malformed table', async () => {
    const none = await meshwatch(['--lake', lake, 'who-queried']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name a table or a principal');
    const malformed = await meshwatch(['--lake', lake, 'who-queried', 'customers']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('<database>.<table>');
  });

  it('exits 2 on a --until before --since', async () => {
    const { code, stderr } = await meshwatch(['--lake', lake, 'coverage', '--since', '2026-10-10', '--until', '2026-10-01']);
    expect(code).toBe(2);
    expect(stderr).toContain('is not after --since');
  });
});

describe('report commands: help', () => {
  it('lists every report command with a purpose', async () => {
    const { code, stdout } = await meshwatch(['--help']);
    expect(code).toBe(0);
    for (const command of ['who-queried', 'pii-access', 'chargeback', 'health', 'drift', 'coverage']) {
      expect(stdout).toMatch(new RegExp(`\\n  ${command}\\b.*\\S`));
    }
  });

  it('says in who-queried help how a column is matched', async () => {
    const { stdout } = await meshwatch(['who-queried', '--help']);
    expect(stdout).toContain('SELECT *');
    expect(stdout).toContain('--principal');
    expect(stdout).toContain('--format');
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../lib/lake/duckdb.js';
import { bundleDir, writeReportBundle } from '../../reports/bundle.js';
import { createFixtureLake } from './fixture-lake.js';

const EXPECTED_FILES = [
  'chargeback-focus.csv',
  'chargeback-focus.json',
  'chargeback-matrix.csv',
  'chargeback-matrix.json',
  'chargeback.csv',
  'chargeback.json',
  'coverage-days.csv',
  'coverage-days.json',
  'coverage.csv',
  'coverage.json',
  'drift.csv',
  'drift.json',
  'health-breaches.csv',
  'health-breaches.json',
  'health.csv',
  'health.json',
  'manifest.json',
  'pii-access-by-person.csv',
  'pii-access-by-table.csv',
  'pii-access.csv',
  'pii-access.json',
];

describe('writeReportBundle', () => {
  it('writes a JSON and CSV file per report and a manifest into reports/<date of now>', async () => {
    // Prepare
    const lake = await createFixtureLake();
    // Act
    const result = await writeReportBundle(lake.ctx);
    // Assess
    const dir = bundleDir(lake.ctx);
    expect(dir).toBe(join(lake.root, 'reports', '2026-10-31'));
    expect((await readdir(dir)).sort()).toEqual(EXPECTED_FILES);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      as_of: '2026-10-31T00:00:00.000Z',
      lake: lake.root,
      window: { since: '2026-10-01T00:00:00.000Z', until: '2026-10-31T00:00:00.000Z' },
      row_counts: {
        'pii-access': 3,
        chargeback: 3,
        'chargeback-matrix': 3,
        'chargeback-focus': 3,
        health: 3,
        drift: 3,
        coverage: 4,
        'coverage-days': 120,
      },
      skipped: [],
    });
    expect(Number.isNaN(Date.parse(manifest.generated_at))).toBe(false);
    const pii = JSON.parse(await readFile(join(dir, 'pii-access.json'), 'utf8'));
    expect(Object.keys(pii)).toEqual(['by_table', 'by_person', 'accesses']);
    expect((await readFile(join(dir, 'drift.csv'), 'utf8')).split('\r\n')).toHaveLength(1 + 3 + 1);
    expect(result.stage).toBe('reports');
    expect(result.warnings).toBe(0);
    expect(result.outputs.find((output) => output.name === 'report health')?.rows).toBe(3);
  });

  it('gives the same files on a re-run and leaves no staging folder behind', async () => {
    const lake = await createFixtureLake();
    await writeReportBundle(lake.ctx);
    const first = await readFile(join(bundleDir(lake.ctx), 'chargeback-focus.csv'), 'utf8');
    await writeReportBundle(lake.ctx);
    expect(await readFile(join(bundleDir(lake.ctx), 'chargeback-focus.csv'), 'utf8')).toBe(first);
    expect(await readdir(lake.ctx.layout.tmpDir)).toEqual([]);
  });

  it('skips a report whose marts are missing, with a note and a warning, and writes the rest', async () => {
    const lake = await createFixtureLake();
    const db = await openDatabase(lake.ctx.layout.databaseFile);
    await db.run('DROP TABLE grant_drift');
    db.close();
    const result = await writeReportBundle(lake.ctx);
    expect(result.warnings).toBe(1);
    expect(result.notes.join('\n')).toContain('report drift skipped: missing mart(s): grant_drift');
    const files = await readdir(bundleDir(lake.ctx));
    expect(files).not.toContain('drift.json');
    expect(files).toContain('health.json');
  });
});

/**
 * Issue #18 §5 on the sample organisation: `meshwatch run` with nothing new skips every stage that
 * has nothing to do, says so, and rewrites none of the lake's datasets, marts, bundle or site.
 * Starts from a copy (timestamps kept) of the collected and transformed sample lake.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from '../../lib/lake/atomic.js';
import { meshwatch, sampleLake } from '../reports/sample-lake.js';

let lake: string;

beforeAll(async () => {
  const shared = await sampleLake();
  lake = join(await mkdtemp(join(tmpdir(), 'mw-noop-run-')), 'lake');
  await promisify(execFile)('cp', ['-a', shared, lake]);
}, 900_000);

/** Every file of the lake but its state and scratch folders, with its mtime. */
async function lakeFiles(): Promise<Record<string, number>> {
  const files = (await listFiles(lake)).filter((file) => !/^_(state|tmp)\//.test(relative(lake, file)));
  return Object.fromEntries(await Promise.all(files.map(async (file) => [relative(lake, file), (await stat(file)).mtimeMs])));
}

describe('meshwatch run with nothing new (issue #18 §5)', () => {
  it('skips collect, transform, the bundle and the site, says so, and rewrites nothing', async () => {
    // Prepare: a first run publishes the bundle and the site (the sample lake has neither yet); its
    // collect, the lake's second, finds nothing new (Cost Explorer's refresh days included).
    const first = await meshwatch(['--lake', lake, 'run']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("collect: nothing new from any source: the lake's datasets are unchanged");
    expect(first.stderr).toContain('transform: marts current (datasets, config, models and now unchanged), skipped');
    expect(first.stderr).toContain('dashboards: building the site');
    const before = await lakeFiles();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['meshwatch.duckdb', 'site/index.html', 'reports/2026-10-31/manifest.json']),
    );

    // Act
    const second = await meshwatch(['--lake', lake, 'run']);

    // Assess
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain("collect: nothing new from any source: the lake's datasets are unchanged");
    expect(second.stderr).toContain('transform: marts current (datasets, config, models and now unchanged), skipped');
    expect(second.stderr).toContain('reports: marts and config unchanged since the last bundle, skipped');
    expect(second.stderr).toContain('alerts: 8/8 rules evaluated');
    expect(second.stderr).toContain('dashboards: marts, config, alerts and pages unchanged since the last build, skipped');
    expect(second.stderr).not.toContain('dashboards: building the site');
    expect(await lakeFiles()).toEqual(before);
  }, 1_800_000);

  it('dashboards serve --no-transform refuses a site older than the alerts it shows, saying why (exit 1)', async () => {
    // The first test left a current site; an alert state written since makes it out of date.
    const stateFile = join(lake, '_state', 'alerts', 'state.json');
    await writeFile(stateFile, JSON.stringify(JSON.parse(await readFile(stateFile, 'utf8'))));

    const refused = await meshwatch(['--lake', lake, 'dashboards', 'serve', '--port', '0', '--no-transform']);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('was not built from the current marts, config, alerts and pages');
    expect(refused.stderr).toContain('meshwatch dashboards build');
  }, 300_000);
});

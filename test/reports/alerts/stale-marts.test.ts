/**
 * Issue #18 §1 on the sample organisation, as a user types it: a copy of the collected and
 * transformed sample lake, a config whose pinned `now` moves a week forward, then `alerts run`.
 * The alerts must be evaluated on marts rebuilt for the new `now` (no account delivered logs in
 * that week: coverage gaps open), not on the marts of the old `now` (which resolved them). Then a
 * refusal with --no-transform, and a report rebuilt after a config change.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { meshwatch, ROOT, sampleLake } from '../sample-lake.js';

const SAMPLE_NOW = 'now: 2026-10-31T00:00:00Z';

let lake: string;
let sampleConfig: string;

beforeAll(async () => {
  const shared = await sampleLake();
  lake = join(await mkdtemp(join(tmpdir(), 'mw-stale-marts-')), 'lake');
  // -a keeps the files' timestamps: the copy's marts are as current as the shared lake's.
  await promisify(execFile)('cp', ['-a', shared, lake]);
  sampleConfig = await readFile(join(ROOT, 'meshwatch.config.yaml'), 'utf8');
  expect(sampleConfig).toContain(SAMPLE_NOW);
}, 900_000);

/** The sample's config with `now` pinned to `now` (and `extraYaml`), written beside the lake (its paths made absolute). */
async function configAt(now: string, extraYaml = ''): Promise<string> {
  const file = join(lake, '..', `meshwatch-${now.slice(0, 10)}${extraYaml ? '-extra' : ''}.yaml`);
  const text = sampleConfig.replace(SAMPLE_NOW, `now: ${now}`).replaceAll('./sample-logs', join(ROOT, 'sample-logs'));
  await writeFile(file, `${text}\n${extraYaml}`);
  return file;
}

const alertsRun = async (now: string, ...flags: string[]) =>
  meshwatch(['--config', await configAt(now), '--lake', lake, 'alerts', 'run', ...flags]);

describe('alerts run after now moved (issue #18 §1)', () => {
  it('rebuilds the marts for the new now and opens the coverage gaps instead of resolving them', async () => {
    const atSample = await alertsRun('2026-10-31T00:00:00Z');
    expect(atSample.code).toBe(0);
    expect(atSample.stdout).toContain('[ALERT] HIGH CloudTrail coverage gap: 322222222222/eu-west-1');
    expect(atSample.stderr).not.toContain('transform: rebuilding the marts');

    const weekLater = await alertsRun('2026-11-07T00:00:00Z');

    expect(weekLater.code).toBe(0);
    expect(weekLater.stdout).not.toContain('[RESOLVED] HIGH CloudTrail coverage gap');
    // No account delivered a log file in the week after the sample ends: a gap opens for each.
    expect(weekLater.stdout).toContain('[ALERT] HIGH CloudTrail coverage gap: 311111111111/us-east-1');
    expect(weekLater.stdout).toMatch(/no CloudTrail log file from account 311111111111 in us-east-1 on 7 day\(s\)/);
    expect(weekLater.stderr).toContain(
      'transform: rebuilding the marts (now moved from 2026-10-31T00:00:00.000Z to 2026-11-07T00:00:00.000Z)',
    );
  }, 900_000);

  it('with --no-transform, refuses stale marts with the reason and exit 1, changing no alert', async () => {
    const stateFile = join(lake, '_state', 'alerts', 'state.json');
    const before = await readFile(stateFile, 'utf8').catch(() => '');

    const refused = await alertsRun('2026-11-08T00:00:00Z', '--no-transform');

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the marts are not current: now moved from [0-9T:.-]+Z to 2026-11-08T00:00:00.000Z/);
    expect(refused.stderr).toContain('without --no-transform');
    expect(refused.stdout).toBe('');
    expect(await readFile(stateFile, 'utf8').catch(() => '')).toBe(before);
  }, 900_000);

  it('a report command rebuilds the marts after a config change the models read', async () => {
    const config = await configAt('2026-11-07T00:00:00Z', 'pricing: { athena_usd_per_tb: 10 }\n');

    const report = await meshwatch(['--config', config, '--lake', lake, 'chargeback', '--month', '2026-10', '--format', 'json']);

    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toMatch(/transform: rebuilding the marts \(.*config changed: pricing/);
    expect(JSON.parse(report.stdout).length).toBeGreaterThan(0);
  }, 900_000);
});

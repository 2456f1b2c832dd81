/**
 * Issue 24: the lake and everything meshwatch writes were world-readable (0644/0755, never set).
 * The helpers now create files 0600 and folders 0700 whatever the umask of the program using them.
 */
import { chmod, mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchQuarantine } from '../../../ingest/cloudtrail/quarantine.js';
import { parseConfig } from '../../../lib/config/load.js';
import { createStagingDir, publishStagedFiles, writeFileAtomic } from '../../../lib/lake/atomic.js';
import { restrictModes, setGroupReadable, wideLakeRootMode } from '../../../lib/lake/file-modes.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
let previousUmask: number;

beforeEach(() => {
  // The umask a program using the library might well have: the helpers must not depend on it.
  previousUmask = process.umask(0o022);
});

afterEach(() => {
  process.umask(previousUmask);
  setGroupReadable(false);
});

describe('lake helpers', () => {
  it('create files 0600 and folders 0700 under a 022 umask', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mw-modes-'));
    const file = join(root, 'lake', '_state', 'alerts', 'state.json');

    await writeFileAtomic(file, '{}');
    const staging = await createStagingDir(join(root, 'lake', '_tmp'), 'reports');
    await writeFileAtomic(join(staging, 'pii-access.csv'), 'who,what\n');
    await publishStagedFiles(staging, join(root, 'lake', 'reports', '2026-10-31'));

    expect(await modeOf(file)).toBe(0o600);
    for (const dir of ['lake', 'lake/_state', 'lake/_state/alerts', 'lake/_tmp', 'lake/reports', 'lake/reports/2026-10-31']) {
      expect([dir, await modeOf(join(root, dir))]).toEqual([dir, 0o700]);
    }
    expect(await modeOf(join(root, 'lake', 'reports', '2026-10-31', 'pii-access.csv'))).toBe(0o600);
  });

  it('keep quarantined bytes owner-only', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mw-modes-'));
    const quarantine = new BatchQuarantine();
    quarantine.addObject('AWSLogs/x/y.json.gz', 'bad_gzip', 'gunzip failed', new Uint8Array([1, 2, 3]));

    const moves = await quarantine.stage(join(root, 'stage'), join(root, 'quarantine'), 'run-0001');

    expect(moves).toHaveLength(2);
    for (const move of moves) expect(await modeOf(move.from)).toBe(0o600);
    expect(await modeOf(join(root, 'stage', 'objects'))).toBe(0o700);
  });

  it('give the group read access (0640 / 0750) when file_modes.group_readable is set, never others', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mw-modes-'));
    setGroupReadable(true);

    await writeFileAtomic(join(root, 'lake', 'x.json'), '{}');

    expect(await modeOf(join(root, 'lake', 'x.json'))).toBe(0o640);
    expect(await modeOf(join(root, 'lake'))).toBe(0o750);
  });
});

describe('restrictModes', () => {
  it('removes group and other bits from a copied tree', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mw-modes-'));
    await mkdir(join(root, 'site', '_observablehq'), { recursive: true, mode: 0o755 });
    await writeFile(join(root, 'site', '_observablehq', 'client.js'), 'x', { mode: 0o644 });
    await chmod(join(root, 'site'), 0o755);

    await restrictModes(join(root, 'site'));

    expect(await modeOf(join(root, 'site'))).toBe(0o700);
    expect(await modeOf(join(root, 'site', '_observablehq'))).toBe(0o700);
    expect(await modeOf(join(root, 'site', '_observablehq', 'client.js'))).toBe(0o600);
  });
});

describe('wideLakeRootMode', () => {
  it('reports a lake folder others may read, and not an owner-only one', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mw-modes-'));
    expect(await wideLakeRootMode(root)).toBeNull();
    await chmod(root, 0o755);
    expect(await wideLakeRootMode(root)).toBe('0755');
    expect(await wideLakeRootMode(join(root, 'absent'))).toBeNull();
  });
});

describe('file_modes config', () => {
  it('defaults to owner-only and explains a wrong value', () => {
    const base = 'organization: { id: o-abc123def4 }\n';
    expect(parseConfig(base, '/x/meshwatch.config.yaml').file_modes).toEqual({ group_readable: false });
    expect(parseConfig(`${base}file_modes: { group_readable: true }\n`, '/x/meshwatch.config.yaml').file_modes).toEqual({
      group_readable: true,
    });
    expect(() => parseConfig(`${base}file_modes: { group_readable: maybe }\n`, '/x/meshwatch.config.yaml')).toThrow(
      /group_readable.*true or false/s,
    );
  });
});

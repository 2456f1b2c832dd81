import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'cli/bin/meshwatch.js');

async function meshwatch(args: string[], cwd = ROOT) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('meshwatch CLI', () => {
  it('lists every command with a purpose in --help', async () => {
    const { code, stdout } = await meshwatch(['--help']);
    expect(code).toBe(0);
    for (const command of ['run', 'collect', 'transform', 'sql']) expect(stdout).toMatch(new RegExp(`\\n  ${command}\\b.*\\S`));
  });

  it('runs ad-hoc SQL and prints JSON', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'mw-cli-'));
    const { code, stdout } = await meshwatch(['--lake', lake, 'sql', 'select 1 as x', '--format', 'json']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('[{"x":1}]');
  });

  it('exits 2 naming the file when the config does not exist', async () => {
    const { code, stderr } = await meshwatch(['--config', 'does-not-exist.yaml', 'run']);
    expect(code).toBe(2);
    expect(stderr).toContain('does-not-exist.yaml');
  });

  it('exits 2 naming a misspelt config key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mw-cli-'));
    await writeFile(join(dir, 'bad.yaml'), 'organisation:\n  id: o-abc123def4\n');
    const { code, stderr } = await meshwatch(['--config', join(dir, 'bad.yaml'), 'run']);
    expect(code).toBe(2);
    expect(stderr).toContain('organisation: unknown key');
    expect(stderr).toContain('did you mean "organization"');
  });

  it('exits 2 on an unknown command or flag', async () => {
    expect((await meshwatch(['frobnicate'])).code).toBe(2);
    expect((await meshwatch(['sql', 'select 1', '--format', 'xml'])).code).toBe(2);
  });

  it('exits 1 with the SQL error for a failing query', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'mw-cli-'));
    const { code, stderr } = await meshwatch(['--lake', lake, 'sql', 'select * from nowhere']);
    expect(code).toBe(1);
    expect(stderr).toContain('nowhere');
  });
});

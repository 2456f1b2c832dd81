import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'meshwatch.js');

function meshwatch(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe('meshwatch dashboards', () => {
  let lake: string;

  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'meshwatch-dashboards-cli-'));
  });

  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('refuses to serve a lake that has no built site, saying how to build it (exit 2)', async () => {
    const result = await meshwatch(['--lake', lake, 'dashboards', 'serve']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no built site in ${join(lake, 'site')}`);
    expect(result.stderr).toContain('meshwatch dashboards build');
  });

  it('rejects a port that is not a number from 0 to 65535 (exit 2)', async () => {
    const result = await meshwatch(['--lake', lake, 'dashboards', 'serve', '--port', '70000']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid port "70000"');
  });

  it('lists build, dev and serve in its help', async () => {
    const result = await new Promise<string>((resolve) =>
      execFile(process.execPath, [BIN, 'dashboards', '--help'], { cwd: ROOT }, (_error, stdout) => resolve(stdout)),
    );

    expect(result).toMatch(/build[\s\S]*dev[\s\S]*serve/);
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { UsageError } from '../../lib/errors.js';
import { generate, runCli } from '../../sample-logs/generator/main.js';
import { REPO_ROOT, readJson } from './sample-files.js';

describe('npm run sample', () => {
  const root = mkdtempSync(join(tmpdir(), 'meshwatch-sample-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a benchmark organisation with a config that points at it, and says what it wrote', async () => {
    // Prepare
    const out = join(root, 'bench');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
    // Act
    runCli(['--days', '2', '--scale', '2', '--out', out, '--seed', '11']);
    log.mockRestore();
    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sample: wrote \d+ CloudTrail objects, \d+ events, \d+ queries, [\d.]+ MiB to .+ \(truth: full\)$/);
    const config = await loadConfig(join(out, 'meshwatch.config.yaml'));
    expect(String(config.now)).toBe('2026-10-03T00:00:00Z');
    expect(config.sources.cloudtrail?.path).toBe(join(out, 'cloudtrail'));
    expect(existsSync(join(out, 'api', 'manifest.json'))).toBe(true);
    expect(readJson(join(out, 'truth.json')).window).toEqual({
      start: '2026-10-01T00:00:00Z',
      end: '2026-10-03T00:00:00Z',
      now: '2026-10-03T00:00:00Z',
    });
  });

  it('refuses to write into a project folder', () => {
    expect(() => generate({ outDir: REPO_ROOT, seed: 1, days: 1, scale: 1 })).toThrow(UsageError);
    expect(existsSync(join(REPO_ROOT, 'cloudtrail'))).toBe(false);
  });

  it('rejects a scale that is not a positive whole number', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => runCli(['--scale', '0', '--out', join(root, 'never')])).toThrow('exit 1');
    expect(String(error.mock.calls[0]?.[0])).toContain('--scale must be a positive whole number');
    exit.mockRestore();
    error.mockRestore();
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});

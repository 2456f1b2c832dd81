import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DAYS, DEFAULT_SEED, generate } from '../../sample-logs/generator/main.js';
import { listFiles, SAMPLE_DIR } from './sample-files.js';

const GENERATED = ['cloudtrail', 'api', 'declared', 'contracts', 'truth.json'];

function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const part of GENERATED) {
    const path = join(dir, part);
    const paths = part.endsWith('.json') ? [path] : listFiles(path);
    for (const file of paths) files.set(relative(dir, file), readFileSync(file));
  }
  return files;
}

function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const out: string[] = [];
  for (const [name, bytes] of a) if (!b.get(name)?.equals(bytes)) out.push(name);
  for (const name of b.keys()) if (!a.has(name)) out.push(name);
  return out;
}

describe('sample generator', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'meshwatch-sample-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes byte-identical files for the same seed', () => {
    // Prepare
    const first = join(root, 'a');
    const second = join(root, 'b');
    // Act
    generate({ outDir: first, seed: 7, days: 3, scale: 1 });
    generate({ outDir: second, seed: 7, days: 3, scale: 1 });
    // Assess
    const a = snapshot(first);
    expect(a.size).toBeGreaterThan(100);
    expect(differences(a, snapshot(second))).toEqual([]);
  });

  it('writes different organisations for different seeds', () => {
    const first = join(root, 'seed-7');
    const second = join(root, 'seed-8');
    generate({ outDir: first, seed: 7, days: 2, scale: 1 });
    generate({ outDir: second, seed: 8, days: 2, scale: 1 });
    expect(differences(snapshot(first), snapshot(second)).length).toBeGreaterThan(50);
  });

  it('regenerates exactly the committed sample with the default seed', () => {
    // Prepare
    const out = join(root, 'default');
    // Act
    const summary = generate({ outDir: out, seed: DEFAULT_SEED, days: DEFAULT_DAYS, scale: 1 });
    // Assess: the committed files are what the generator writes (run `npm run sample` after a change).
    expect(summary.truth).toBe('full');
    expect(differences(snapshot(out), snapshot(SAMPLE_DIR))).toEqual([]);
  });

  it('multiplies queries and events with --scale', () => {
    const base = generate({ outDir: join(root, 'scale-1'), seed: 3, days: 2, scale: 1 });
    const scaled = generate({ outDir: join(root, 'scale-3'), seed: 3, days: 2, scale: 3 });
    expect(scaled.queries).toBeGreaterThan(base.queries * 2);
    expect(scaled.events).toBeGreaterThan(base.events * 2);
  });
});

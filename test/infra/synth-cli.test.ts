import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './synth-fixture.js';

const run = promisify(execFile);

interface Manifest {
  readonly artifacts: Record<string, { type: string; environment?: string; metadata?: unknown }>;
  readonly missing?: unknown[];
}

let outdir: string;
let manifest: Manifest;

beforeAll(async () => {
  // Prepare: no credentials of any kind reachable, as on a laptop or CI runner without AWS access.
  outdir = mkdtempSync(join(tmpdir(), 'meshwatch-synth-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: mkdtempSync(join(tmpdir(), 'meshwatch-home-')),
    CDK_OUTDIR: outdir,
    AWS_CONFIG_FILE: join(outdir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(outdir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  // Act: the same entry point as `npm run infra:synth`.
  await run(process.execPath, ['--import', 'tsx', 'infra/bin/app.ts'], { cwd: REPO_ROOT, env, timeout: 120_000 });
  manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
});

describe('infra/bin/app.ts', () => {
  it('synthesises every stack offline with an explicit account and region', () => {
    const stacks = Object.values(manifest.artifacts).filter((artifact) => artifact.type === 'aws:cloudformation:stack');
    expect(stacks.length).toBeGreaterThanOrEqual(5);
    for (const stack of stacks) expect(stack.environment).toMatch(/^aws:\/\/\d{12}\/[a-z]{2}-[a-z]+-\d$/);
  });

  it('needs no context lookups (nothing that would call AWS at synth)', () => {
    expect(manifest.missing ?? []).toEqual([]);
  });

  it('stages the runner image as a Docker asset without building it', () => {
    // Prepare
    const assetFile = readdirSync(outdir).find(
      (file) => file.startsWith('MeshwatchPipeline') && file.endsWith('.assets.json'),
    ) as string;
    const assets = JSON.parse(readFileSync(join(outdir, assetFile), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string } }>;
    };

    // Act
    const images = Object.values(assets.dockerImages);
    const staged = join(outdir, images[0]?.source.directory as string);

    // Assess: the build context is the repository minus .dockerignore, with the Dockerfile in it.
    expect(images).toHaveLength(1);
    expect(existsSync(join(staged, 'Dockerfile'))).toBe(true);
    expect(existsSync(join(staged, 'cli/bin/meshwatch.js'))).toBe(true);
    expect(existsSync(join(staged, 'node_modules'))).toBe(false);
    expect(existsSync(join(staged, '.git'))).toBe(false);
    const entrypoint = /^ENTRYPOINT \[(.*)\]$/m.exec(readFileSync(join(staged, 'Dockerfile'), 'utf8'))?.[1] ?? '';
    const script = (JSON.parse(`[${entrypoint}]`) as string[]).find((part) => part.endsWith('.ts')) as string;
    expect(existsSync(join(staged, script)), script).toBe(true);
  });
});

/**
 * A private copy of the Framework project per build, under `<lake>/_tmp/`.
 *
 * Framework keeps loader output in `<root>/.observablehq/cache` and reuses it while the loader file
 * is older than the cached copy, so two builds from different lakes (or at the same time) in the
 * repository's own `dashboards/src` would serve each other's data. Each build therefore copies the
 * pages into a fresh folder; the loader helpers and node_modules are linked, not copied, and the
 * finished `dist/` sits on the lake's filesystem, so publishing it is a rename.
 */
import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStagingDir } from '../lib/lake/atomic.js';
import { prepareOfflineNpmCache } from './offline-cache.js';
import { copyRunbooks } from './runbooks.js';
import { DASHBOARDS_DIR, REPOSITORY_DIR } from './workspace-paths.js';

export { DASHBOARDS_DIR, REPOSITORY_DIR } from './workspace-paths.js';

export interface Workspace {
  /** Removed by `dispose`. */
  readonly dir: string;
  /** Where Framework runs: holds observablehq.config.js, src/ and, after a build, dist/. */
  readonly projectDir: string;
  readonly srcDir: string;
  readonly distDir: string;
  dispose(): Promise<void>;
}

export async function createWorkspace(tmpRoot: string): Promise<Workspace> {
  const dir = await createStagingDir(tmpRoot, 'dashboards');
  const projectDir = join(dir, 'dashboards');
  const srcDir = join(projectDir, 'src');
  try {
    await mkdir(projectDir, { recursive: true });
    await cp(join(DASHBOARDS_DIR, 'src'), srcDir, {
      recursive: true,
      filter: (source) => !source.includes(`${join(DASHBOARDS_DIR, 'src', '.observablehq')}`),
    });
    await cp(join(DASHBOARDS_DIR, 'observablehq.config.js'), join(projectDir, 'observablehq.config.js'));
    // Loaders import ../../loaders/*.js; Node follows the link to the real files, whose own
    // imports (../../lib/...) then resolve inside the repository.
    await symlink(join(DASHBOARDS_DIR, 'loaders'), join(projectDir, 'loaders'), 'dir');
    await symlink(join(REPOSITORY_DIR, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // The TypeScript loaders are ES modules (top-level await), wherever the lake lives.
    await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
    await prepareOfflineNpmCache(srcDir);
    await copyRunbooks(srcDir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    projectDir,
    srcDir,
    distDir: join(projectDir, 'dist'),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

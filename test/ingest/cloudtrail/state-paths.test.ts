import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloudtrailPaths, recoverInterruptedRun } from '../../../ingest/cloudtrail/state-paths.js';
import { lakeLayout } from '../../../lib/lake/layout.js';
import { tempDir } from './helpers.js';

describe('recoverInterruptedRun', () => {
  it("removes the staging folders of processes that are gone (and its own), never a running process's", async () => {
    const paths = cloudtrailPaths(lakeLayout(join(await tempDir('staging'), 'lake')));
    const dead = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid as number;
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      for (const pid of [dead, live.pid as number, process.pid]) {
        await mkdir(join(paths.tmpDir, `cloudtrail-${pid}-1760000000000-abcdef`, 'batch-0'), { recursive: true });
      }
      await mkdir(join(paths.tmpDir, 'dashboards-1-2-abcdef'), { recursive: true });
      const result = await recoverInterruptedRun(paths);
      expect(result).toEqual({ recovered: false, removedStaging: 2 });
      expect((await readdir(paths.tmpDir)).sort()).toEqual([
        `cloudtrail-${live.pid}-1760000000000-abcdef`,
        'dashboards-1-2-abcdef',
      ]);
    } finally {
      live.kill();
    }
  });
});

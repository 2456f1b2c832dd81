/** Where the CloudTrail collector keeps its state, staging and quarantine inside the lake. */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LakeLayout } from '../../lib/lake/layout.js';
import { processExists } from '../../lib/lake/lock.js';
import { recoverJournal } from './publish-journal.js';

export const DATASET = 'cloudtrail';

export interface CloudtrailPaths {
  readonly datasetDir: string;
  readonly objectsDir: string;
  /** The collector's state folder (`_state/cloudtrail`): manifest index and shards, journal, checkpoints. */
  readonly stateDir: string;
  readonly manifest: string;
  readonly journal: string;
  readonly lookupCheckpoint: string;
  readonly quarantineDir: string;
  readonly tmpDir: string;
}

export function cloudtrailPaths(layout: LakeLayout): CloudtrailPaths {
  return {
    datasetDir: layout.datasetDir(DATASET),
    objectsDir: layout.datasetDir('cloudtrail_objects'),
    stateDir: layout.statePath('cloudtrail'),
    manifest: layout.statePath('cloudtrail', 'manifest.json'),
    journal: layout.statePath('cloudtrail', 'publish-journal.json'),
    lookupCheckpoint: layout.statePath('cloudtrail', 'lookup-events.json'),
    quarantineDir: layout.quarantinePath('cloudtrail'),
    tmpDir: layout.tmpDir,
  };
}

/**
 * Brings the lake to a consistent state before a run: finishes a publish a killed run left behind,
 * then removes staging folders of killed runs (they never became visible). The collect holds the
 * lake lock, so no other collect runs; a folder whose pid (`cloudtrail-<pid>-…`) still runs belongs
 * to a writer outside the lock (an older meshwatch, a library caller) and is left alone.
 */
export async function recoverInterruptedRun(paths: CloudtrailPaths): Promise<{ recovered: boolean; removedStaging: number }> {
  const recovered = await recoverJournal(paths.journal);
  let removedStaging = 0;
  let names: string[] = [];
  try {
    names = await readdir(paths.tmpDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const name of names) {
    if (!name.startsWith('cloudtrail-')) continue;
    if (isLiveProcessStaging(name)) continue;
    await rm(join(paths.tmpDir, name), { recursive: true, force: true });
    removedStaging++;
  }
  return { recovered, removedStaging };
}

function isLiveProcessStaging(name: string): boolean {
  const pid = Number(/^cloudtrail-(\d+)-/.exec(name)?.[1]);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processExists(pid);
}

/**
 * Crash-safe publishing of one batch. Everything a batch changes — the Parquet files of the
 * partitions it touched, quarantine files, the manifest, the `cloudtrail_objects` file — is first
 * written complete into a staging folder. Then a journal naming every move is written (atomically),
 * and the moves are rolled forward: renames into place and deletion of the partitions' old files.
 *
 * Each step is idempotent, so `rollForward` can run again after a kill at any point: a run finding a
 * journal finishes it before doing anything else. Before the journal exists nothing visible has
 * changed; after it exists the batch will be completed. Readers never see a half-written file.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../lib/lake/atomic.js';

export interface PublishJournal {
  readonly version: 1;
  readonly stagingDir: string;
  /** Partition folders replaced whole: after the moves they hold exactly `files`. */
  readonly partitions: readonly { readonly dir: string; readonly files: readonly string[] }[];
  /** Files to move into place (a rename each; the target is replaced). */
  readonly moves: readonly { readonly from: string; readonly to: string }[];
}

export async function publishWithJournal(journalPath: string, journal: PublishJournal): Promise<void> {
  await writeFileAtomic(journalPath, JSON.stringify(journal));
  await rollForward(journalPath, journal);
}

/** Completes a journal left by an interrupted run; returns true when there was one. */
export async function recoverJournal(journalPath: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(journalPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await rollForward(journalPath, JSON.parse(text) as PublishJournal);
  return true;
}

async function rollForward(journalPath: string, journal: PublishJournal): Promise<void> {
  for (const move of journal.moves) {
    await mkdir(dirname(move.to), { recursive: true });
    try {
      await rename(move.from, move.to);
    } catch (error) {
      // Already moved by an earlier, interrupted roll-forward.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  for (const partition of journal.partitions) {
    const keep = new Set(partition.files);
    let present: string[] = [];
    try {
      present = await readdir(partition.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const name of present) {
      if (name.endsWith('.parquet') && !keep.has(name)) await rm(join(partition.dir, name), { force: true });
    }
  }
  await rm(journal.stagingDir, { recursive: true, force: true });
  await rm(journalPath, { force: true });
}

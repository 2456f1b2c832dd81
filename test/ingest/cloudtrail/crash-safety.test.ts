/**
 * kill -9 at any moment, re-run → the dataset equals a clean run's. The CLI runs as a child process
 * on a generated trail with small batches (many publishes); it is killed with SIGKILL at several
 * points — early, while batches are being read, the moment a publish journal appears — and each
 * time resumed on the same lake, then run to the end and compared with an uninterrupted run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticTrail } from '../../../bench/synthetic-trail.js';
import { logKey, REPO_ROOT, readDataset, readQuarantine, record, tempDir, writeConfig, writeObject } from './helpers.js';

const BIN = join(REPO_ROOT, 'cli/bin/meshwatch.js');

function startCollect(config: string): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, '--config', config, '--quiet', 'collect', '--source', 'cloudtrail'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, done };
}

/** Kills the run when `when` resolves (or lets it finish first). Returns true when it was killed. */
async function killWhen(config: string, when: () => Promise<unknown>): Promise<boolean> {
  const run = startCollect(config);
  let finished = false;
  void run.done.then(() => {
    finished = true;
  });
  await Promise.race([when(), run.done]);
  if (!finished) run.child.kill('SIGKILL');
  const code = await run.done;
  return code === null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilPath(path: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!existsSync(path) && Date.now() - start < timeoutMs) await sleep(2);
}

/** Resolves once the workers have written at least `minFiles` Parquet files of a batch not yet published. */
async function untilRowsWritten(lake: string, minFiles: number, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const tmp = join(lake, '_tmp');
    for (const run of await readdir(tmp).catch(() => [] as string[])) {
      for (const batch of await readdir(join(tmp, run)).catch(() => [] as string[])) {
        const rows = join(tmp, run, batch, 'rows');
        const files = await readdir(rows, { recursive: true }).catch(() => [] as string[]);
        if (files.filter((name) => name.endsWith('.parquet')).length >= minFiles) return;
      }
    }
    await sleep(3);
  }
}

/** Resolves once the manifest has been replaced `times` times (each publish replaces it last). */
async function untilPublished(lake: string, times: number, timeoutMs = 30_000): Promise<void> {
  const manifest = join(lake, '_state', 'cloudtrail', 'manifest.json');
  const start = Date.now();
  let last = existsSync(manifest) ? (await stat(manifest)).mtimeMs : 0;
  let seen = 0;
  while (Date.now() - start < timeoutMs && seen < times) {
    const now = existsSync(manifest) ? (await stat(manifest).catch(() => ({ mtimeMs: last }))).mtimeMs : 0;
    if (now !== last) {
      seen++;
      last = now;
    }
    await sleep(1);
  }
}

async function snapshot(lake: string) {
  return {
    rows: await readDataset(
      lake,
      'event_id, source_object, event_time, event_date, account_id, md5(CAST(record AS VARCHAR)) AS record_md5',
    ),
    objects: await readDataset(lake, '* EXCLUDE (ingested_at)', 'cloudtrail_objects'),
    quarantine: (await readQuarantine(lake)).map((entry) => `${entry.key}|${entry.reason}|${entry.record_index ?? ''}`).sort(),
    leftovers: existsSync(join(lake, '_tmp'))
      ? (await readdir(join(lake, '_tmp'))).filter((name) => name.startsWith('cloudtrail-'))
      : [],
  };
}

describe('cloudtrail collect under kill -9', () => {
  it('ends with exactly the rows, objects and quarantine of a clean run', async () => {
    // Prepare: 11,520 records in 144 objects, a re-delivered event and a bad object; batches of ~400 rows.
    const dir = await tempDir('crash');
    const trail = join(dir, 'trail');
    await writeSyntheticTrail({
      root: trail,
      days: 3,
      objectsPerDay: 12,
      recordsPerObject: 80,
      regions: ['us-east-1', 'eu-west-1'],
      seed: 11,
    });
    await writeObject(trail, logKey('311111111111', 'us-east-1', '20261002T2330Z', 'REDELIVERYREDEL1'), {
      Records: [record({ eventID: 'dup-1' }), record({ eventID: 'no-time', eventTime: undefined })],
    });
    await writeObject(trail, logKey('311111111111', 'us-east-1', '20261003T0130Z', 'REDELIVERYREDEL2'), {
      Records: [record({ eventID: 'dup-1', addendum: { reason: 'UPDATED_DATA' } })],
    });
    await writeObject(
      trail,
      logKey('411111111111', 'us-east-1', '20261002T0130Z', 'NOTJSONNOTJSON01'),
      new TextEncoder().encode('garbage'),
    );
    const settings = { path: trail, batch_rows: 400, workers: 2 };
    const cleanDir = await tempDir('crash-clean');
    const crashDir = await tempDir('crash-killed');
    const cleanConfig = await writeConfig(cleanDir, settings);
    const crashConfig = await writeConfig(crashDir, settings);
    const crashLake = join(crashDir, 'lake');

    // Act: a clean run, then the killed runs on another lake.
    expect(await startCollect(cleanConfig).done).toBe(0);
    const journal = join(crashLake, '_state', 'cloudtrail', 'publish-journal.json');
    let leftJournal = 0;
    const kills: boolean[] = [];
    for (const when of [
      () => sleep(1_200),
      () => untilRowsWritten(crashLake, 4),
      () => untilPublished(crashLake, 1),
      () => untilPath(journal),
      () => untilRowsWritten(crashLake, 1),
      () => untilPublished(crashLake, 2),
      () => untilPath(journal),
    ]) {
      kills.push(await killWhen(crashConfig, when));
      if (existsSync(journal)) leftJournal++;
    }
    expect(await startCollect(crashConfig).done).toBe(0);

    // Assess
    expect(kills.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    console.info(`killed ${kills.filter(Boolean).length} of ${kills.length} runs; ${leftJournal} left a publish half done`);
    const clean = await snapshot(join(cleanDir, 'lake'));
    const crashed = await snapshot(crashLake);
    expect(clean.rows.length).toBe(3 * 2 * 2 * 12 * 80 + 1);
    expect(crashed.rows).toEqual(clean.rows);
    expect(crashed.objects).toEqual(clean.objects);
    expect(crashed.quarantine).toEqual(clean.quarantine);
    expect(crashed.leftovers).toEqual([]);
  }, 180_000);
});

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PublishJournal, recoverJournal } from '../../../ingest/cloudtrail/publish-journal.js';
import { writeFileAtomic } from '../../../lib/lake/atomic.js';
import { tempDir } from './helpers.js';

describe('recoverJournal', () => {
  it('finishes a publish interrupted after some moves: new files in place, stale files gone, staging removed', async () => {
    // Prepare: a partition with two old files; a batch staged one new file and a manifest.
    const root = await tempDir('journal');
    const partition = join(root, 'cloudtrail', 'event_date=2026-10-01', 'account_id=311111111111');
    const staging = join(root, '_tmp', 'cloudtrail-1', 'batch-0');
    await mkdir(partition, { recursive: true });
    await mkdir(staging, { recursive: true });
    await writeFile(join(partition, 'part-0.parquet'), 'old-0');
    await writeFile(join(partition, 'part-1.parquet'), 'old-1');
    await writeFile(join(staging, 'part-0.parquet'), 'new-0');
    await writeFile(join(staging, 'manifest.json'), '{"new":true}');
    const journalPath = join(root, '_state', 'cloudtrail', 'publish-journal.json');
    const journal: PublishJournal = {
      version: 1,
      stagingDir: staging,
      partitions: [{ dir: partition, files: ['part-0.parquet'] }],
      moves: [
        { from: join(staging, 'part-0.parquet'), to: join(partition, 'part-0.parquet') },
        { from: join(staging, 'manifest.json'), to: join(root, '_state', 'cloudtrail', 'manifest.json') },
      ],
    };
    await writeFileAtomic(journalPath, JSON.stringify(journal));
    // The killed run got as far as the first move.
    await rename(join(staging, 'part-0.parquet'), join(partition, 'part-0.parquet'));

    // Act
    const recovered = await recoverJournal(journalPath);
    const again = await recoverJournal(journalPath);

    // Assess
    expect([recovered, again]).toEqual([true, false]);
    expect(await readdir(partition)).toEqual(['part-0.parquet']);
    expect(await readFile(join(partition, 'part-0.parquet'), 'utf8')).toBe('new-0');
    expect(await readFile(join(root, '_state', 'cloudtrail', 'manifest.json'), 'utf8')).toBe('{"new":true}');
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(journalPath)).toBe(false);
  });
});

/**
 * Copies of one eventID with different content: the same copy wins whatever the order the runs
 * read them in (batch-writer.ts), each dropped copy is counted and kept in the quarantine, and
 * identical copies stay plain duplicates.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestTrail, type TrailIngestSummary } from '../../../ingest/cloudtrail/ingest-trail.js';
import { localTrailSource } from '../../../ingest/cloudtrail/local-source.js';
import { contextFor, logKey, readDataset, readQuarantine, record, tempDir, writeObject } from './helpers.js';

const SALES = '311111111111';
const EARLY = logKey(SALES, 'us-east-1', '20261001T1005Z', 'EARLYEARLYEARLY1');
const LATE = logKey(SALES, 'us-east-1', '20261001T1400Z', 'LATELATELATELAT1');
const OBJECTS: Record<string, unknown> = {
  [EARLY]: {
    Records: [record({ eventID: 'c-1', errorCode: 'AccessDenied' }), record({ eventID: 'same-1', eventName: 'GetTables' })],
  },
  [LATE]: {
    Records: [
      record({ eventID: 'c-1', addendum: { reason: 'UPDATED_DATA' } }),
      record({ eventID: 'same-1', eventName: 'GetTables' }),
    ],
  },
};

/** Reads the trail's objects, the given ones run by run; returns the final rows, quarantine and summed counts. */
async function ingestInRuns(runs: string[][]) {
  const dir = await tempDir('conflicts');
  const trail = join(dir, 'trail');
  const ctx = contextFor(dir, { path: trail });
  let conflicting = 0;
  let duplicates = 0;
  let replacedEarlier = 0;
  let byReason: TrailIngestSummary['quarantinedByReason'] = {};
  for (const keys of runs) {
    for (const key of keys) await writeObject(trail, key, OBJECTS[key]);
    const summary = await ingestTrail(ctx, localTrailSource(trail), {}, { workers: 1, verifyDigests: false });
    conflicting += summary.conflictingDuplicates;
    duplicates += summary.duplicates;
    replacedEarlier += summary.replacedEarlier;
    byReason = summary.quarantinedByReason;
  }
  const rows = await readDataset(ctx.layout.root, 'event_id, source_object, error_code, addendum_reason');
  const quarantine = (await readQuarantine(ctx.layout.root)).map(({ quarantined_at, ...entry }) => entry);
  return { rows, quarantine, conflicting, dropped: duplicates + replacedEarlier, byReason };
}

describe('conflicting duplicates', () => {
  it('keep the same copy in whatever order runs read them, and count and quarantine the dropped one', async () => {
    // Act: both in one run; the later delivery first; the earlier delivery first
    const outcomes = [
      await ingestInRuns([[EARLY, LATE]]),
      await ingestInRuns([[LATE], [EARLY]]),
      await ingestInRuns([[EARLY], [LATE]]),
    ];

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.rows).toEqual([
        { event_id: 'c-1', source_object: LATE, error_code: null, addendum_reason: 'UPDATED_DATA' },
        { event_id: 'same-1', source_object: LATE, error_code: null, addendum_reason: null },
      ]);
      expect(outcome.dropped).toBe(2);
      expect(outcome.conflicting).toBe(1);
      expect(outcome.quarantine).toHaveLength(1);
      const [entry] = outcome.quarantine as [Record<string, unknown>];
      expect(entry).toMatchObject({ key: EARLY, reason: 'conflicting_duplicate' });
      expect(entry.detail).toContain(`eventID c-1 is also in ${LATE}`);
      expect(entry.detail).toContain('it carries addendum UPDATED_DATA');
      expect(JSON.parse(entry.record as string)).toEqual(record({ eventID: 'c-1', errorCode: 'AccessDenied' }));
    }
    expect(outcomes[0]?.byReason).toEqual({ conflicting_duplicate: 1 });
  });
});

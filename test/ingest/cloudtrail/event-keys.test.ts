/**
 * Records without a usable eventID (none: eventVersion 1.0; empty or blank: not an id) are rows
 * keyed by their content (event-key.ts), on DuckDB's native path and on the JS path alike.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestTrail } from '../../../ingest/cloudtrail/ingest-trail.js';
import { localTrailSource } from '../../../ingest/cloudtrail/local-source.js';
import { contextFor, logKey, readDataset, readQuarantine, record, tempDir, writeObject } from './helpers.js';

const SALES = '311111111111';

/** An eventVersion 1.0 record: no eventID, few fields. */
function firstYearsRecord(eventName: string, eventTime: string): Record<string, unknown> {
  return {
    eventVersion: '1.0',
    eventTime,
    eventSource: 's3.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::311111111111:user/ops', accountId: SALES },
    sourceIPAddress: '198.51.100.7',
  };
}

describe('records without a usable eventID', () => {
  it('become one row per distinct event on both paths, keyed by content, and identical re-deliveries stay duplicates', async () => {
    // Prepare: six distinct events without an id (two lack it, two have "", two a blank one) and one with an id
    const dir = await tempDir('event-keys');
    const trail = join(dir, 'trail');
    const noId = [
      firstYearsRecord('CreateBucket', '2026-10-01T10:00:00Z'),
      firstYearsRecord('DeleteBucket', '2026-10-01T10:01:00Z'),
      record({ eventID: '', eventName: 'GetTable', eventTime: '2026-10-01T10:02:00Z' }),
      record({ eventID: '', eventName: 'GetTables', eventTime: '2026-10-01T10:03:00Z' }),
      record({ eventID: '   ', eventName: 'GetDatabase', eventTime: '2026-10-01T10:04:00Z' }),
      record({ eventID: ' \t', eventName: 'GetDatabases', eventTime: '2026-10-01T10:05:00Z' }),
    ];
    const first = logKey(SALES, 'us-east-1', '20261001T1010Z', 'FIRSTFIRSTFIRST1');
    const again = logKey(SALES, 'us-east-1', '20261001T1110Z', 'AGAINAGAINAGAIN1');
    const pretty = logKey(SALES, 'us-east-1', '20261001T1210Z', 'PRETTYPRETTYPRE1');
    await writeObject(trail, first, { Records: [...noId, record({ eventID: 'x-1' })] });
    // Identical re-deliveries: one object as AWS writes it, one pretty-printed (always the JS path).
    await writeObject(trail, again, { Records: [noId[0], noId[2]] });
    await writeObject(trail, pretty, gzipSync(JSON.stringify({ Records: [noId[1], noId[4]] }, null, 2)));

    // Act
    const runs = [];
    for (const native of [true, false]) {
      const ctx = contextFor(await tempDir(native ? 'keys-native' : 'keys-js'), { path: trail });
      const summary = await ingestTrail(ctx, localTrailSource(trail), {}, { workers: 2, verifyDigests: false, native });
      runs.push({
        summary,
        rows: await readDataset(ctx.layout.root, 'event_id, event_name, source_object, CAST(record AS VARCHAR) AS record'),
        quarantine: await readQuarantine(ctx.layout.root),
      });
    }

    // Assess
    const [native, js] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(native.summary.objectsNative).toBeGreaterThan(0);
    expect(native.rows).toEqual(js.rows);
    for (const run of runs) {
      expect(run.quarantine).toEqual([]);
      expect(run.summary).toMatchObject({ records: 11, written: 7, quarantinedRecords: 0, duplicates: 4 });
      const keyed = run.rows.filter((row) => String(row.event_id).startsWith('sha256:'));
      expect(keyed.map((row) => row.event_name).sort()).toEqual(
        ['CreateBucket', 'DeleteBucket', 'GetDatabase', 'GetDatabases', 'GetTable', 'GetTables'].sort(),
      );
      expect(new Set(keyed.map((row) => row.event_id)).size).toBe(6);
      for (const row of keyed) expect(row.event_id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(run.rows.find((row) => row.event_name === 'GetTable' && row.event_id === 'x-1')).toBeDefined();
    }
  });
});

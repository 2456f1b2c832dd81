/**
 * Nothing under the trail is passed over silently: objects in a day folder that is not a date,
 * objects that are no log file, CloudTrail Insights objects (not collected) are counted with an
 * example; with verify_digests on, an account/region without any digest is warned about once.
 */

import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collectCloudtrail } from '../../../ingest/cloudtrail/collector.js';
import { contextFor, logKey, ORG, record, tempDir, writeObject } from './helpers.js';

const SALES = '311111111111';
const ANALYTICS = '411111111111';

function digestKey(account: string): string {
  return `AWSLogs/${ORG}/${account}/CloudTrail-Digest/us-east-1/2026/10/01/${account}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20261001T235959Z.json.gz`;
}

describe('objects a run lists but does not read', () => {
  it('are counted by why with an example, and an account/region without digests is named once, loudly', async () => {
    // Prepare
    const dir = await tempDir('unread');
    const trail = join(dir, 'trail');
    const salesLog = logKey(SALES, 'us-east-1', '20261001T1005Z');
    const analyticsLog = logKey(ANALYTICS, 'us-east-1', '20261001T1005Z');
    const notADay = salesLog.replace('/2026/10/01/', '/2026/02/30/').replace('20261001T1005Z', '20260230T1005Z');
    const notALog = salesLog.replace(/[^/]+$/, 'README.txt');
    const insight = (minute: string) =>
      `AWSLogs/${ORG}/${SALES}/CloudTrail-Insight/us-east-1/2026/10/01/${SALES}_CloudTrail-Insight_us-east-1_20261001T10${minute}Z_INSIGHTINSIGHT01.json.gz`;
    await writeObject(trail, salesLog, { Records: [record({ eventID: 's-1' })] });
    await writeObject(trail, analyticsLog, { Records: [record({ eventID: 'a-1', recipientAccountId: ANALYTICS })] });
    await writeObject(trail, notADay, { Records: [record({ eventID: 'lost-1' })] });
    await writeObject(trail, notALog, new TextEncoder().encode('not a log'));
    await writeObject(trail, insight('05'), { Records: [{ eventType: 'AwsCloudTrailInsight', eventID: 'i-1' }] });
    await writeObject(trail, insight('10'), { Records: [{ eventType: 'AwsCloudTrailInsight', eventID: 'i-2' }] });
    // An (unsigned) digest for analytics only: sales has none at all.
    const digest = digestKey(ANALYTICS);
    await writeObject(trail, digest, gzipSync(JSON.stringify({ digestS3Object: digest, digestEndTime: '2026-10-01T23:59:59Z' })));
    const ctx = contextFor(dir, { path: trail, workers: 1 });

    // Act
    const result = await collectCloudtrail(ctx, {});
    await collectCloudtrail(ctx, {});

    // Assess: the problems, each named with its count and an example
    const problems = (result.problems ?? []).map((problem) => `${problem.count} ${problem.what}`);
    expect(problems).toEqual([
      expect.stringMatching(/^1 skipped object\(s\) in a day folder that is not a date.*\(e\.g\. .*\/2026\/02\/30\//),
      expect.stringMatching(/^1 skipped object\(s\) under CloudTrail\/ not named as .*README\.txt/),
      expect.stringMatching(new RegExp(`^1 account-region\\(s\\) with log objects but no digest.*: ${SALES} us-east-1 `)),
    ]);
    expect(result.warnings).toBe(3);
    // Insights are not collected: said once a run as a note and a warning, not counted as a problem.
    expect(result.notes.join('\n')).toMatch(/skipped 2 object\(s\) under CloudTrail-Insight\/: meshwatch does not collect/);
    // One warning line per account/region without digests, each run; none for analytics.
    const noDigest = ctx.lines.filter((line) => line.includes('NO DIGEST'));
    expect(noDigest).toHaveLength(2);
    expect(noDigest[0]).toContain(`account ${SALES} in us-east-1: none of its 1 listed log object(s) can be verified`);
    expect(ctx.lines.filter((line) => line.includes('day folder that is not a date'))).toHaveLength(2);
    expect(ctx.lines.filter((line) => /skipped 2 object\(s\) under CloudTrail-Insight/.test(line))).toHaveLength(2);
  });
});

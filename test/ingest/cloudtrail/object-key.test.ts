import { describe, expect, it } from 'vitest';
import { parseObjectKey, unsafeKeyReason } from '../../../ingest/cloudtrail/object-key.js';

const LOG = (day: string, stamp: string) =>
  `AWSLogs/o-n1mbusc4rt/311111111111/CloudTrail/us-east-1/${day}/311111111111_CloudTrail_us-east-1_${stamp}_AAAAAAAAAAAAAAAA.json.gz`;

describe('parseObjectKey', () => {
  it('reads account, region, key day and delivery time of a log key', () => {
    expect(parseObjectKey(LOG('2026/10/01', '20261001T1005Z'))).toEqual({
      kind: 'log',
      accountId: '311111111111',
      region: 'us-east-1',
      logDate: '2026-10-01',
      deliveredAt: '2026-10-01 10:05:00',
    });
  });

  it('reads a digest key with seconds in its time', () => {
    const key =
      'AWSLogs/o-n1mbusc4rt/311111111111/CloudTrail-Digest/us-east-1/2026/10/01/311111111111_CloudTrail-Digest_us-east-1_trail_us-east-1_20261001T110000Z.json.gz';
    expect(parseObjectKey(key)).toMatchObject({ kind: 'digest', logDate: '2026-10-01', deliveredAt: '2026-10-01 11:00:00' });
  });

  it('rejects a key whose folder day does not exist', () => {
    expect(parseObjectKey(LOG('2026/02/30', '20260230T1005Z'))).toBeNull();
    expect(parseObjectKey(LOG('2026/13/01', '20261301T1005Z'))).toBeNull();
  });

  it('keeps an object whose name holds an impossible time, with the delivery time unknown', () => {
    expect(parseObjectKey(LOG('2026/10/01', '20261001T2565Z'))).toMatchObject({ logDate: '2026-10-01', deliveredAt: null });
    expect(parseObjectKey(LOG('2026/10/01', '20260231T1005Z'))).toMatchObject({ logDate: '2026-10-01', deliveredAt: null });
  });

  it('ignores keys that are not trail files', () => {
    expect(parseObjectKey('AWSLogs/o-n1mbusc4rt/311111111111/CloudTrail/us-east-1/2026/10/01/notes.txt')).toBeNull();
    expect(parseObjectKey('public-keys.json')).toBeNull();
  });

  it('is anchored: a key that climbs out of its folder and names a trail file further on is no trail file', () => {
    const attack = `AWSLogs/o-x/311111111111/CloudTrail/us-east-1/2026/10/02/${'../'.repeat(20)}some/other/dir/${LOG('2026/10/02', '20261002T0000Z')}`;
    expect(parseObjectKey(attack)).toBeNull();
    expect(parseObjectKey(`other/prefix/${LOG('2026/10/01', '20261001T1005Z')}`)).toBeNull();
    expect(parseObjectKey(`${LOG('2026/10/01', '20261001T1005Z')}\n`)).toBeNull();
  });
});

describe('unsafeKeyReason', () => {
  it('names why a key must not become a path, and accepts trail keys', () => {
    expect(unsafeKeyReason(LOG('2026/10/01', '20261001T1005Z'))).toBeNull();
    expect(unsafeKeyReason('AWSLogs/../../etc/passwd')).toContain('".." segment');
    expect(unsafeKeyReason('AWSLogs//x.json.gz')).toContain('empty segment');
    expect(unsafeKeyReason('AWSLogs/x\u0000.json.gz')).toContain('control character');
    expect(unsafeKeyReason('/AWSLogs/x.json.gz')).toContain('absolute');
  });
});

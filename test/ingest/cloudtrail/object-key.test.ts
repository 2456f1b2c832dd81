import { describe, expect, it } from 'vitest';
import { parseObjectKey } from '../../../ingest/cloudtrail/object-key.js';

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
});

import { describe, expect, it } from 'vitest';
import { createTokenBucket, tokenBuckets } from '../../../ingest/cloudtrail/token-bucket.js';

/** A clock that only moves when the bucket sleeps, so spacing is exact and the test never waits. */
function fakeClock() {
  let time = 0;
  return {
    now: () => time,
    sleep: async (ms: number) => {
      time += ms;
    },
  };
}

describe('createTokenBucket', () => {
  it('spaces takes at the rate: 2 per second means one every 500 ms after the first', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, capacity: 1, ...clock });
    const takenAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      await bucket.take();
      takenAt.push(clock.now());
    }
    expect(takenAt).toEqual([0, 500, 1000, 1500]);
  });

  it('serves concurrent takers one at a time without overdrawing', async () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, capacity: 1, ...clock });
    const takenAt: number[] = [];
    await Promise.all([0, 1, 2].map(() => bucket.take().then(() => takenAt.push(clock.now()))));
    expect(takenAt).toEqual([0, 500, 1000]);
  });
});

describe('tokenBuckets', () => {
  it('keeps one bucket per key, so two account × region scopes do not slow each other', async () => {
    const clock = fakeClock();
    const bucketFor = tokenBuckets({ ratePerSecond: 2, capacity: 1, ...clock });
    await bucketFor('111122223333/us-east-1').take();
    await bucketFor('111122223333/eu-west-1').take();
    expect(clock.now()).toBe(0);
    await bucketFor('111122223333/us-east-1').take();
    expect(clock.now()).toBe(500);
  });
});

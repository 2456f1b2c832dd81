/**
 * A token bucket: at most `ratePerSecond` operations per second on average, bursts up to
 * `capacity`. LookupEvents allows 2 requests per second per account and region; one bucket per
 * account × region keeps meshwatch under it instead of leaning on throttling retries.
 */

export interface TokenBucket {
  /** Resolves when a token is available (and takes it). */
  take(): Promise<void>;
}

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  readonly capacity?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createTokenBucket({
  ratePerSecond,
  capacity = 1,
  now = Date.now,
  sleep = defaultSleep,
}: TokenBucketOptions): TokenBucket {
  let tokens = capacity;
  let updatedAt = now();
  let queue: Promise<void> = Promise.resolve();
  const refill = () => {
    const at = now();
    tokens = Math.min(capacity, tokens + ((at - updatedAt) / 1000) * ratePerSecond);
    updatedAt = at;
  };
  const takeOne = async () => {
    refill();
    if (tokens < 1) {
      await sleep(Math.ceil(((1 - tokens) / ratePerSecond) * 1000));
      refill();
    }
    tokens -= 1;
  };
  return {
    take() {
      // Callers are served in order, one at a time, so concurrent takers cannot overdraw the bucket.
      const turn = queue.then(takeOne);
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One bucket per key (account × region), created on first use. */
export function tokenBuckets(options: TokenBucketOptions): (key: string) => TokenBucket {
  const buckets = new Map<string, TokenBucket>();
  return (key) => {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = createTokenBucket(options);
      buckets.set(key, bucket);
    }
    return bucket;
  };
}

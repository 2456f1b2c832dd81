/**
 * Runs an async function over items with a window of calls started ahead of the consumer, so
 * network reads (S3 GetObject, digest downloads) overlap instead of paying each round trip in turn.
 */

export async function* prefetched<T, R>(
  items: readonly T[],
  fetch: (item: T) => Promise<R>,
  ahead: number,
): AsyncGenerator<[T, R]> {
  const started: Promise<R>[] = [];
  const start = (index: number) => {
    const item = items[index];
    if (item !== undefined && started[index] === undefined) {
      const promise = fetch(item);
      // Consumed in order below; this only stops Node reporting a rejection before its turn.
      promise.catch(() => undefined);
      started[index] = promise;
    }
  };
  for (let index = 0; index < items.length; index++) {
    for (let next = index; next < Math.min(items.length, index + ahead); next++) start(next);
    const result = await (started[index] as Promise<R>);
    delete started[index];
    yield [items[index] as T, result];
  }
}

/**
 * Token loops for APIs the SDK has no paginator for (Cost Explorer's NextPageToken, Athena batches).
 * Each request gets a fresh input object, so recorded calls show the token each one really sent.
 */

export async function* pagesByToken<Page>(
  fetchPage: (token: string | undefined) => Promise<Page>,
  nextToken: (page: Page) => string | undefined,
): AsyncGenerator<Page> {
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetchPage(token);
    yield page;
    token = nextToken(page);
    // A service that repeats a token would loop forever; AWS never does, a broken proxy might.
    if (token !== undefined && seen.has(token)) throw new Error(`the service repeated the paging token ${token}`);
    if (token !== undefined) seen.add(token);
  } while (token);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

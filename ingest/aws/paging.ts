/**
 * The one paging guard every listing goes through: an SDK v3 paginator or a token loop of our own
 * is wrapped by `boundedPages`, which ends the call with a PagingError when the service repeats a
 * token it already sent (a broken proxy or service answering the same NextToken forever) or when
 * the listing passes `network.max_pages`. Pages already received have been handed on; the error
 * is recorded as a collection_errors row by the collector (see api-collector.ts).
 */
import { CollectorError } from '../../lib/errors.js';

export interface PageLimit {
  /** Pages one listing call may take (`network.max_pages`). */
  readonly maxPages: number;
}

export type PagingErrorCode = 'RepeatedPageToken' | 'PageLimitExceeded';

export class PagingError extends CollectorError {
  /** Read as `error_name` by collection_errors, like an AWS error code. */
  readonly Code: PagingErrorCode;
  /** The operation that was paging (read as `operation` by collection_errors). */
  readonly $command: string;

  constructor(code: PagingErrorCode, operation: string, message: string, pages: number) {
    super(message, {
      context: { operation, pages },
      hint:
        code === 'PageLimitExceeded'
          ? 'if the listing really is this long, raise network.max_pages'
          : 'the service (or a proxy in front of it) is broken; the next run asks again',
    });
    this.Code = code;
    this.$command = operation;
  }
}

/** NextToken, the token most AWS listings answer with. */
const nextTokenOf = (page: unknown): string | undefined => (page as { NextToken?: string } | undefined)?.NextToken;

/**
 * The guard itself, for a loop that pages by hand (CloudTrail LookupEvents keeps a checkpoint
 * per page): call `afterPage(token)` with each page's next token before asking for it.
 */
export class PageGuard {
  private readonly seen = new Set<string>();
  private pages = 0;

  constructor(
    private readonly operation: string,
    private readonly limit: PageLimit,
  ) {}

  /** Counts a page; throws a PagingError when its next token must not be asked for. */
  afterPage(token: string | undefined): void {
    this.pages += 1;
    if (!token) return;
    if (this.seen.has(token)) {
      throw new PagingError(
        'RepeatedPageToken',
        this.operation,
        `${this.operation} answered page ${this.pages} with a paging token it had already sent; stopped instead of asking for the same page again`,
        this.pages,
      );
    }
    if (this.pages >= this.limit.maxPages) {
      throw new PagingError(
        'PageLimitExceeded',
        this.operation,
        `${this.operation} still had more after ${this.pages} pages (network.max_pages); stopped`,
        this.pages,
      );
    }
    this.seen.add(token);
  }
}

/**
 * Yields `pages` (an SDK paginator or any page iterable) and stops it before it asks again with a
 * token it already sent, or asks for page `maxPages + 1`: both end the call with a PagingError.
 */
export async function* boundedPages<Page>(
  operation: string,
  pages: AsyncIterable<Page>,
  limit: PageLimit,
  nextToken: (page: Page) => string | undefined = nextTokenOf,
): AsyncGenerator<Page> {
  const guard = new PageGuard(operation, limit);
  for await (const page of pages) {
    yield page;
    // Leaving the loop by throwing closes the paginator: the next request is never sent.
    guard.afterPage(nextToken(page));
  }
}

/**
 * Token loops for APIs the SDK has no paginator for (Cost Explorer's NextPageToken, CloudTrail's
 * ListPublicKeys), bounded like the paginators. Each request gets a fresh input object, so
 * recorded calls show the token each one really sent.
 */
export function pagesByToken<Page>(
  operation: string,
  fetchPage: (token: string | undefined) => Promise<Page>,
  nextToken: (page: Page) => string | undefined,
  limit: PageLimit,
): AsyncGenerator<Page> {
  async function* unbounded(): AsyncGenerator<Page> {
    let token: string | undefined;
    do {
      const page = await fetchPage(token);
      yield page;
      token = nextToken(page);
    } while (token);
  }
  return boundedPages(operation, unbounded(), limit, nextToken);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

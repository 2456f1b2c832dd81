import { describe, expect, it } from 'vitest';
import { boundedPages, PageGuard, PagingError, pagesByToken } from '../../../ingest/aws/paging.js';

interface Page {
  readonly items: string[];
  readonly NextToken?: string;
}

/** A listing that answers from `answers` in turn (the last one forever) and counts what it was asked. */
function listing(answers: Page[]) {
  const asked: (string | undefined)[] = [];
  const fetchPage = async (token: string | undefined): Promise<Page> => {
    asked.push(token);
    return answers[Math.min(asked.length - 1, answers.length - 1)] as Page;
  };
  return { asked, fetchPage };
}

async function drain(pages: AsyncIterable<Page>): Promise<{ items: string[]; error?: unknown }> {
  const items: string[] = [];
  try {
    for await (const page of pages) items.push(...page.items);
    return { items };
  } catch (error) {
    return { items, error };
  }
}

describe('the paging guard', () => {
  it('reads every page of a listing that ends', async () => {
    const { asked, fetchPage } = listing([
      { items: ['a'], NextToken: 't1' },
      { items: ['b'], NextToken: 't2' },
      { items: ['c'] },
    ]);
    const { items, error } = await drain(pagesByToken('ListThings', fetchPage, (page) => page.NextToken, { maxPages: 3 }));
    expect(error).toBeUndefined();
    expect(items).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([undefined, 't1', 't2']);
  });

  it('stops before asking again with a token it already sent, keeping the pages received', async () => {
    const { asked, fetchPage } = listing([
      { items: ['a'], NextToken: 'same' },
      { items: ['b'], NextToken: 'same' },
    ]);
    const { items, error } = await drain(pagesByToken('ListThings', fetchPage, (page) => page.NextToken, { maxPages: 100 }));
    expect(asked).toEqual([undefined, 'same']);
    expect(items).toEqual(['a', 'b']);
    expect(error).toBeInstanceOf(PagingError);
    expect(error).toMatchObject({
      Code: 'RepeatedPageToken',
      $command: 'ListThings',
      context: { operation: 'ListThings', pages: 2 },
    });
  });

  it('catches a cycle of tokens, not only the same token twice in a row', async () => {
    const { asked, fetchPage } = listing([
      { items: ['a'], NextToken: 'x' },
      { items: ['b'], NextToken: 'y' },
      { items: ['c'], NextToken: 'x' },
    ]);
    const { error } = await drain(pagesByToken('ListThings', fetchPage, (page) => page.NextToken, { maxPages: 100 }));
    expect(asked).toEqual([undefined, 'x', 'y']);
    expect(error).toMatchObject({ Code: 'RepeatedPageToken' });
  });

  it('allows exactly max_pages pages', async () => {
    let served = 0;
    async function* endless(): AsyncGenerator<Page> {
      for (;;) {
        served += 1;
        yield { items: [`item-${served}`], NextToken: `t${served}` };
      }
    }
    const { items, error } = await drain(boundedPages('GetThings', endless(), { maxPages: 3 }));
    expect(items).toEqual(['item-1', 'item-2', 'item-3']);
    expect(served).toBe(3);
    expect(error).toMatchObject({
      Code: 'PageLimitExceeded',
      message: 'GetThings still had more after 3 pages (network.max_pages); stopped',
    });
  });

  it('is the same guard for a loop that pages by hand', () => {
    const guard = new PageGuard('LookupEvents', { maxPages: 10 });
    guard.afterPage('t1');
    guard.afterPage('t2');
    guard.afterPage(undefined);
    expect(() => guard.afterPage('t1')).toThrow(PagingError);
  });
});

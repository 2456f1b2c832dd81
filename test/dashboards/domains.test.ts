/** Domain names come from the data (contracts, tags) and become page paths: only plain slugs get a page. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProductDomains } from '../../dashboards/domains.js';
import { openDatabase, quoteLiteral } from '../../lib/lake/duckdb.js';
import { createMemoryLogger } from '../../lib/log.js';

describe('listProductDomains', () => {
  it('leaves out, with a warning, domains that could name a path outside the site', async () => {
    // Prepare
    const lake = await mkdtemp(join(tmpdir(), 'mw-domains-'));
    await mkdir(join(lake, 'marts', 'product_freshness'), { recursive: true });
    const db = await openDatabase(':memory:');
    try {
      const values = ['sales', '../../evil', 'a/b', '..', 'x\\y', 'supply-chain'].map((name) => `(${quoteLiteral(name)})`);
      await db.run(
        `COPY (SELECT * FROM (VALUES ${values.join(', ')}) AS t(domain)) TO ${quoteLiteral(join(lake, 'marts', 'product_freshness', 'p.parquet'))} (FORMAT parquet)`,
      );
    } finally {
      db.close();
    }
    const logger = createMemoryLogger('normal');

    // Act
    const domains = await listProductDomains(lake, logger);

    // Assess
    expect(domains).toEqual(['sales', 'supply-chain']);
    expect(logger.lines.join('\n')).toContain('../../evil');
  });
});

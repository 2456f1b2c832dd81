/**
 * The domains that get a product-health page: every domain with a data product in the
 * `product_freshness` mart. Names become URL paths, so anything but a plain slug is left out.
 */
import type { Logger } from '../lib/log.js';
import { selectFromMart } from './loaders/marts.js';

const DOMAIN_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export async function listProductDomains(lake: string, logger: Logger): Promise<string[]> {
  const selection = await selectFromMart(
    'product_freshness',
    'select distinct domain from product_freshness where domain is not null order by domain',
    undefined,
    lake,
  );
  const names = selection.rows.map((row) => String(row.domain));
  const skipped = names.filter((name) => !DOMAIN_SLUG.test(name));
  if (skipped.length > 0) logger.warn(`dashboards: no page for domain(s) not usable in a URL: ${skipped.join(', ')}`);
  return names.filter((name) => DOMAIN_SLUG.test(name));
}

/**
 * LF-Tags on tables and columns over time. Every tagged table gets its tags from the IaC role at the
 * start of the window (so tag history is complete in CloudTrail); finance_db.invoices is re-tagged
 * `sensitivity=pii` by a human mid-window, after it was already read.
 */
import { type Actor, PEOPLE } from '../actors.js';
import { PRODUCTS, type Product, tableFqn } from '../org.js';

export const TAG_BOOTSTRAP_AT = '2026-10-01T00:10:00Z';

export const PII_TAG_CHANGE = {
  table: 'finance_db.invoices',
  at: '2026-10-15T11:02:30Z',
  actor: PEOPLE.rita as Actor,
  value: 'pii',
} as const;

export const TAG_VALUES = {
  domain: ['finance', 'marketing', 'sales', 'supply-chain'],
  layer: ['curated', 'product', 'raw'],
  sensitivity: ['internal', 'pii', 'public'],
} as const;

export function tableTagsAt(product: Product, atMs: number): Record<string, string> {
  const sensitivity =
    tableFqn(product) === PII_TAG_CHANGE.table && atMs >= Date.parse(PII_TAG_CHANGE.at)
      ? PII_TAG_CHANGE.value
      : product.sensitivity;
  return { domain: product.domain, layer: product.layer, sensitivity };
}

/** Column-level tags that differ from the table's: PII columns of non-PII tables. */
export function columnTags(product: Product): { column: string; tags: Record<string, string> }[] {
  if (product.sensitivity === 'pii') return [];
  return product.columns.filter((column) => column.pii).map((column) => ({ column: column.name, tags: { sensitivity: 'pii' } }));
}

/** Whether reading the table at that instant reads PII (table tag or any column tag), per DEFINITIONS.md. */
export function isPiiAt(product: Product, atMs: number): boolean {
  if (atMs < Date.parse(TAG_BOOTSTRAP_AT)) return false;
  return tableTagsAt(product, atMs).sensitivity === 'pii' || columnTags(product).length > 0;
}

export function taggedProducts(): readonly Product[] {
  return PRODUCTS;
}

/**
 * What Lake Formation lets each consumer principal read, at a given instant, given the declared
 * grants and the planted changes in grants.ts. The query plan only draws allowed reads from this;
 * denied attempts are planted explicitly.
 */
import { type Actor, iamArn, PEOPLE } from '../actors.js';
import { GRANT_CHANGES } from '../grants.js';
import { ANALYTICS, DATA_SCIENCE, type Product, tableFqn } from '../org.js';
import { tableTagsAt } from './tags.js';

function changeAt(index: number): number {
  const change = GRANT_CHANGES[index];
  if (!change) throw new Error(`no grant change ${index}`);
  return Date.parse(change.at);
}

const CUSTOMERS_GRANTED_AT = changeAt(0);
const FINANCE_REVOKED_AT = changeAt(4);

export function isAllowed(actor: Actor, product: Product, atMs: number): boolean {
  const sensitivity = tableTagsAt(product, atMs).sensitivity;
  const openByPolicy = sensitivity === 'public' || sensitivity === 'internal';
  const fqn = tableFqn(product);
  if (actor.accountId === ANALYTICS) {
    if (fqn === 'sales_db.customers') return atMs >= CUSTOMERS_GRANTED_AT;
    if (product.domain === 'finance') return openByPolicy && atMs < FINANCE_REVOKED_AT;
    return openByPolicy;
  }
  if (actor.accountId === DATA_SCIENCE) {
    if (fqn === 'finance_db.salaries') return iamArn(actor) === iamArn(PEOPLE.payroll);
    if (fqn === 'finance_db.invoices') return true;
    if (fqn === 'finance_db.budgets') return false;
    if (fqn === 'supply_chain_db.suppliers') return true;
    if (product.domain === 'sales' || product.domain === 'marketing') return openByPolicy;
    return false;
  }
  return false;
}

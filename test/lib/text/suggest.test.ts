import { describe, expect, it } from 'vitest';
import { closestMatches } from '../../../lib/text/suggest.js';

describe('closestMatches', () => {
  it('suggests the closest names first', () => {
    const suggestions = closestMatches('sales_db.custmers', ['finance_db.salaries', 'sales_db.orders', 'sales_db.customers']);
    expect(suggestions[0]).toBe('sales_db.customers');
    expect(suggestions).not.toContain('finance_db.salaries');
  });

  it('suggests nothing for an unrelated name', () => {
    expect(closestMatches('zzz', ['sales_db.customers'])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { TransformError } from '../../../lib/errors.js';
import type { ParamValue } from '../../../transforms/runner/params.js';
import { findReferences, renderSql } from '../../../transforms/runner/template.js';

const params = new Map<string, ParamValue>([
  ['pricing.athena_usd_per_tb', { sqlType: 'DOUBLE', value: 5 }],
  ['pii.tag_values', { sqlType: 'VARCHAR[]', value: '["pii"]' }],
]);

describe('template', () => {
  it('finds refs, sources and params once each', () => {
    // Prepare
    const sql =
      "SELECT * FROM {{ ref('stg_a') }} JOIN {{ source('cloudtrail') }} ON {{ param('pricing.athena_usd_per_tb') }} > {{ ref('stg_a') }}.x";
    // Act
    const references = findReferences(sql, 'x.sql');
    // Assess
    expect(references).toEqual({ refs: ['stg_a'], sources: ['cloudtrail'], params: ['pricing.athena_usd_per_tb'] });
  });

  it('renders refs and sources as quoted identifiers and params as typed bound parameters', () => {
    const sql =
      "SELECT {{ param('pricing.athena_usd_per_tb') }}, {{ param('pii.tag_values') }} FROM {{ ref('stg_a') }}, {{ source('cloudtrail') }}";
    expect(renderSql(sql, params, 'x.sql')).toBe(
      'SELECT CAST($p_pricing__athena_usd_per_tb AS DOUBLE), CAST(CAST($p_pii__tag_values AS JSON) AS VARCHAR[]) FROM "stg_a", "src_cloudtrail"',
    );
  });

  it('rejects an unknown placeholder and an unknown parameter with the known ones listed', () => {
    expect(() => findReferences("SELECT {{ config('x') }}", 'x.sql')).toThrow(TransformError);
    let error: unknown;
    try {
      renderSql("SELECT {{ param('pricing.typo') }}", params, 'x.sql');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TransformError);
    expect((error as TransformError).message).toBe('unknown parameter pricing.typo');
    expect((error as TransformError).hint).toBe('known parameters: pii.tag_values, pricing.athena_usd_per_tb');
  });

  it('rejects a ref that is not a plain identifier', () => {
    expect(() => renderSql("SELECT * FROM {{ ref('a.b') }}", params, 'x.sql')).toThrow(/invalid model name/);
  });
});

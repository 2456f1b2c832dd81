/**
 * Parameters models read with `{{ param('…') }}`: thresholds, prices and rules from the validated
 * config (never literals in SQL), plus `now`. Each has a DuckDB type; the value is bound as a query
 * parameter (lists travel as JSON text and are cast back).
 */
import type { MeshwatchConfig } from '../../lib/config/schema.js';
import { TransformError } from '../../lib/errors.js';

export interface ParamValue {
  readonly sqlType: 'DOUBLE' | 'BIGINT' | 'VARCHAR' | 'TIMESTAMP' | 'VARCHAR[]';
  readonly value: string | number;
}

/** Windows the definitions fix (DEFINITIONS.md); kept here, named, rather than in SQL. */
export const FIXED_PARAMS = {
  'freshness.usage_days': 30,
  'freshness.window_days': 30,
} as const;

export function paramsFromConfig(config: MeshwatchConfig, now: Date): Map<string, ParamValue> {
  const params = new Map<string, ParamValue>();
  params.set('now', { sqlType: 'TIMESTAMP', value: now.toISOString() });
  params.set('pricing.athena_usd_per_tb', { sqlType: 'DOUBLE', value: config.pricing.athena_usd_per_tb });
  params.set('pricing.athena_min_bytes_per_query', { sqlType: 'BIGINT', value: config.pricing.athena_min_bytes_per_query });
  params.set('pii.tag_key', { sqlType: 'VARCHAR', value: config.pii.tag_key });
  params.set('pii.tag_values', { sqlType: 'VARCHAR[]', value: JSON.stringify(config.pii.tag_values) });
  params.set('chargeback.shared_allocation', { sqlType: 'VARCHAR', value: config.chargeback.shared_allocation });
  params.set('chargeback.matrix_split', { sqlType: 'VARCHAR', value: config.chargeback.matrix_split });
  params.set('drift.unused_after_days', { sqlType: 'BIGINT', value: config.drift.unused_after_days });
  for (const [name, value] of Object.entries(FIXED_PARAMS)) params.set(name, { sqlType: 'BIGINT', value });
  return params;
}

/** Applies a fixed-rows test's overrides, keeping each parameter's type. */
export function overrideParams(
  params: ReadonlyMap<string, ParamValue>,
  overrides: Record<string, unknown>,
): Map<string, ParamValue> {
  const result = new Map(params);
  for (const [name, value] of Object.entries(overrides)) {
    const current = params.get(name);
    if (!current)
      throw new TransformError(`unknown parameter ${name} in a test`, { hint: `known: ${[...params.keys()].join(', ')}` });
    const encoded = Array.isArray(value) ? JSON.stringify(value) : (value as string | number);
    result.set(name, { sqlType: current.sqlType, value: encoded });
  }
  return result;
}

/** The bound values for a rendered statement (only the parameters it uses). */
export function boundValues(used: readonly string[], params: ReadonlyMap<string, ParamValue>, nameOf: (param: string) => string) {
  const values: Record<string, string | number> = {};
  for (const name of used) {
    const param = params.get(name);
    if (param) values[nameOf(name)] = param.value;
  }
  return values;
}

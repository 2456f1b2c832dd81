/**
 * Model SQL is plain DuckDB SQL with three kinds of placeholders, resolved by the runner:
 *   {{ ref('stg_cloudtrail') }}   another model's table (a validated identifier)
 *   {{ source('cloudtrail') }}    a declared input (see sources.ts), typed and present even when empty
 *   {{ param('pricing.athena_usd_per_tb') }}   a config value, bound as a query parameter
 * Anything else between `{{ }}` is an error, so a typo cannot reach DuckDB as text.
 */
import { TransformError } from '../../lib/errors.js';
import { assertIdentifier, quoteIdentifier } from '../../lib/lake/duckdb.js';
import type { ParamValue } from './params.js';

const PLACEHOLDER = /\{\{\s*(.*?)\s*\}\}/g;
const CALL = /^(ref|source|param)\(\s*'([A-Za-z0-9_.]+)'\s*\)$/;

export interface TemplateReferences {
  readonly refs: readonly string[];
  readonly sources: readonly string[];
  readonly params: readonly string[];
}

export function findReferences(sql: string, file: string): TemplateReferences {
  const refs = new Set<string>();
  const sources = new Set<string>();
  const params = new Set<string>();
  for (const [text, inner] of sql.matchAll(PLACEHOLDER)) {
    const call = CALL.exec(inner ?? '');
    if (!call) {
      throw new TransformError(`unknown placeholder ${text}`, {
        context: { file },
        hint: "use {{ ref('model') }}, {{ source('dataset') }} or {{ param('section.key') }}",
      });
    }
    const [, kind, name] = call as unknown as [string, string, string];
    if (kind === 'ref') refs.add(name);
    else if (kind === 'source') sources.add(name);
    else params.add(name);
  }
  return { refs: [...refs], sources: [...sources], params: [...params] };
}

/** The SQL name of a source's typed table. */
export function sourceTableName(source: string): string {
  return `src_${assertIdentifier(source, 'source name')}`;
}

/** A parameter's bound name: `pricing.athena_usd_per_tb` → `p_pricing__athena_usd_per_tb`. */
export function parameterName(param: string): string {
  return assertIdentifier(`p_${param.replaceAll('.', '__')}`, 'parameter name');
}

/** Renders model SQL: placeholders become identifiers or typed parameter references. */
export function renderSql(sql: string, params: ReadonlyMap<string, ParamValue>, file: string): string {
  return sql.replace(PLACEHOLDER, (_text, inner: string) => {
    const [, kind, name] = CALL.exec(inner) as unknown as [string, string, string];
    if (kind === 'ref') return quoteIdentifier(name, 'model name');
    if (kind === 'source') return quoteIdentifier(sourceTableName(name));
    const value = params.get(name);
    if (!value) {
      throw new TransformError(`unknown parameter ${name}`, {
        context: { file },
        hint: `known parameters: ${[...params.keys()].sort().join(', ')}`,
      });
    }
    const bound = `$${parameterName(name)}`;
    // Lists travel as JSON text: JSON → list keeps the elements unquoted.
    if (value.sqlType === 'VARCHAR[]') return `CAST(CAST(${bound} AS JSON) AS VARCHAR[])`;
    return `CAST(${bound} AS ${value.sqlType})`;
  });
}

/**
 * Runs each enabled rule's query over the marts and turns its rows into evaluations. A rule whose
 * input marts are absent is skipped, not evaluated as empty: an empty result would otherwise
 * resolve every open alert of that rule just because a transform has not run yet.
 */
import { createHash } from 'node:crypto';
import type { MeshwatchConfig } from '../../lib/config/schema.js';
import { AlertError } from '../../lib/errors.js';
import type { Database, Row, SqlParams } from '../../lib/lake/duckdb.js';
import type { RuleDefinition } from './rule-catalog.js';
import type { ParamValue, RuleSettings } from './rule-params.js';
import { type Evaluation, type RuleOutcome, SEVERITY_RANK, type Severity } from './types.js';

const REQUIRED_COLUMNS = ['resource', 'status', 'reason', 'domain', 'account_id'] as const;
/** Columns with a meaning of their own; everything else a rule returns is a dimension. */
const RESERVED_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, 'severity', 'owner']);
const PARAM_REFERENCE = /\$([a-z_][a-z0-9_]*)/g;

/** A stable id for an alert: the same rule and resource always give the same id. */
export function alertIdFor(ruleId: string, resource: string): string {
  return createHash('sha256').update(`${ruleId}\n${resource}`).digest('hex').slice(0, 12);
}

export interface EvaluateInput {
  readonly db: Database;
  readonly rule: RuleDefinition;
  readonly settings: RuleSettings;
  readonly now: Date;
  readonly config: Pick<MeshwatchConfig, 'organization'>;
}

export async function evaluateRule({ db, rule, settings, now, config }: EvaluateInput): Promise<RuleOutcome> {
  const missing = await missingInputs(db, rule.inputs);
  if (missing.length > 0) {
    return {
      ruleId: rule.id,
      evaluated: false,
      evaluations: [],
      invalidRows: 0,
      skippedReason: `missing mart(s) ${missing.join(', ')}`,
    };
  }
  let rows: Row[];
  try {
    rows = await db.all(rule.sql, bindParams(rule, settings.params, now));
  } catch (cause) {
    throw new AlertError(`rule ${rule.id} failed to evaluate`, {
      cause,
      context: { rule: rule.id, file: rule.runbookPath.replace(/runbook\.md$/, 'query.sql') },
      hint: 'check that the marts it reads have the columns in transforms/DEFINITIONS.md',
    });
  }
  const absent = rows.length > 0 ? REQUIRED_COLUMNS.filter((column) => !(column in (rows[0] as Row))) : [];
  if (absent.length > 0) {
    throw new AlertError(`rule ${rule.id}: query.sql returns no ${absent.join(', ')} column`, {
      context: { rule: rule.id },
      hint: `a rule returns one row per resource with ${REQUIRED_COLUMNS.join(', ')} and dimension columns`,
    });
  }
  const byAlert = new Map<string, Evaluation>();
  let invalidRows = 0;
  for (const row of rows) {
    const evaluation = toEvaluation(rule, row, config);
    if (!evaluation) {
      invalidRows += 1;
      continue;
    }
    const previous = byAlert.get(evaluation.alertId);
    if (!previous || isWorse(evaluation, previous)) byAlert.set(evaluation.alertId, evaluation);
  }
  return { ruleId: rule.id, evaluated: true, evaluations: [...byAlert.values()], invalidRows };
}

async function missingInputs(db: Database, inputs: readonly string[]): Promise<string[]> {
  const present = await db.all<{ name: string }>('SELECT DISTINCT table_name AS name FROM information_schema.tables');
  const names = new Set(present.map((row) => row.name));
  return inputs.filter((input) => !names.has(input));
}

/** Only the parameters the SQL mentions are bound (DuckDB rejects extra ones); `$now` is always available. */
export function bindParams(rule: RuleDefinition, params: Readonly<Record<string, ParamValue>>, now: Date): SqlParams {
  const bound: SqlParams = {};
  for (const match of rule.sql.matchAll(PARAM_REFERENCE)) {
    const name = match[1] as string;
    if (name === 'now') {
      bound.now = now.toISOString();
      continue;
    }
    const value = params[name];
    if (value === undefined) {
      throw new AlertError(`rule ${rule.id}: query.sql uses $${name}, which rule.yaml does not declare`, {
        context: { rule: rule.id },
        hint: 'declare it under params in rule.yaml with a default',
      });
    }
    bound[name] = typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return bound;
}

function toEvaluation(rule: RuleDefinition, row: Row, config: Pick<MeshwatchConfig, 'organization'>): Evaluation | undefined {
  const resource = row.resource;
  const status = row.status;
  if (typeof resource !== 'string' || resource === '' || (status !== 'ok' && status !== 'alarm')) return undefined;
  const accountId = textOrNull(row.account_id);
  // Rules may leave the domain to the account map (config, merged with Organizations).
  const domain =
    textOrNull(row.domain) ?? config.organization.accounts.find((account) => account.id === accountId)?.domain ?? null;
  const severity = typeof row.severity === 'string' && row.severity in SEVERITY_RANK ? (row.severity as Severity) : rule.severity;
  const dimensions = Object.fromEntries(Object.entries(row).filter(([name]) => !RESERVED_COLUMNS.has(name)));
  return {
    ruleId: rule.id,
    alertId: alertIdFor(rule.id, resource),
    resource,
    status,
    severity,
    reason: textOrNull(row.reason) ?? (status === 'alarm' ? rule.title : 'ok'),
    domain,
    accountId,
    owner: ownerFor(rule, { domain, accountId, owner: textOrNull(row.owner) }, config),
    dimensions,
  };
}

/**
 * Routing: a fixed team, or the domain's owner — the contract owner the row carries, else the
 * `owner` of the row's account in the account map, else of any account of the domain, else the domain.
 */
export function ownerFor(
  rule: Pick<RuleDefinition, 'owner'>,
  row: { domain: string | null; accountId: string | null; owner: string | null },
  config: Pick<MeshwatchConfig, 'organization'>,
): string {
  if ('team' in rule.owner) return rule.owner.team;
  if (row.owner) return row.owner;
  const accounts = config.organization.accounts;
  const ofAccount = accounts.find((account) => account.id === row.accountId)?.owner;
  if (ofAccount) return ofAccount;
  const ofDomain = accounts.find((account) => account.domain === row.domain && account.owner)?.owner;
  if (ofDomain) return ofDomain;
  return row.domain ? `domain:${row.domain}` : 'unrouted';
}

function isWorse(candidate: Evaluation, current: Evaluation): boolean {
  if (candidate.status !== current.status) return candidate.status === 'alarm';
  return SEVERITY_RANK[candidate.severity] > SEVERITY_RANK[current.severity];
}

function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return text === '' ? null : text;
}

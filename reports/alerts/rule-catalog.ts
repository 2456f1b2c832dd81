/**
 * Loads the alert rules: one folder per rule under `reports/alerts/rules/<rule_id>/` holding
 * `rule.yaml` (metadata and params), `query.sql` (one row per resource) and `runbook.md`.
 * A rule folder that is incomplete or malformed is a bug in meshwatch, so it fails loudly.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ALERT_SEVERITIES } from '../../lib/config/schema.js';
import { AlertError } from '../../lib/errors.js';
import type { Severity } from './types.js';

export const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'rules');

const RULE_ID = /^[a-z][a-z0-9_]*$/;

const paramSpecSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('integer'),
    default: z.number().int(),
    min: z.number().optional(),
    max: z.number().optional(),
    description: z.string(),
  }),
  z.strictObject({
    type: z.literal('number'),
    default: z.number(),
    min: z.number().optional(),
    max: z.number().optional(),
    description: z.string(),
  }),
  z.strictObject({
    type: z.literal('string'),
    default: z.string(),
    enum: z.array(z.string()).optional(),
    description: z.string(),
  }),
  z.strictObject({ type: z.literal('boolean'), default: z.boolean(), description: z.string() }),
  z.strictObject({
    type: z.literal('number_map'),
    default: z.record(z.string(), z.number()),
    description: z.string(),
  }),
]);

export type ParamSpec = z.infer<typeof paramSpecSchema>;

const ruleMetadataSchema = z.strictObject({
  id: z.string().regex(RULE_ID),
  title: z.string().min(1).max(80),
  severity: z.enum(ALERT_SEVERITIES),
  summary: z.string().min(1),
  /** `domain`: the owner of the row's domain (contract owner, account owner, else the domain); `team`: a fixed team. */
  owner: z.union([z.strictObject({ by: z.literal('domain') }), z.strictObject({ team: z.string().min(1) })]),
  inputs: z.array(z.string().regex(RULE_ID)).min(1),
  renotify_after_hours: z.number().min(0).optional(),
  params: z.record(z.string().regex(RULE_ID), paramSpecSchema).default({}),
});

export interface RuleDefinition {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly owner: { readonly by: 'domain' } | { readonly team: string };
  readonly inputs: readonly string[];
  readonly renotifyAfterHours?: number;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly sql: string;
  readonly runbookPath: string;
  readonly runbook: string;
  /** The `meshwatch …` command the runbook gives to confirm the alert. */
  readonly confirmCommand: string | null;
}

export async function loadRules(dir: string = RULES_DIR): Promise<RuleDefinition[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new AlertError(`cannot read the alert rules folder ${dir}`, { cause, context: { file: dir } });
  }
  const ids = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(ids.map((id) => loadRule(join(dir, id), id)));
}

async function loadRule(folder: string, folderName: string): Promise<RuleDefinition> {
  const [yamlText, sql, runbook] = await Promise.all(
    ['rule.yaml', 'query.sql', 'runbook.md'].map((name) => readRuleFile(folder, name, folderName)),
  );
  const parsed = ruleMetadataSchema.safeParse(parseYamlOrThrow(yamlText as string, folder));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
    throw new AlertError(`rule ${folderName}: rule.yaml is invalid: ${problems}`, {
      context: { file: join(folder, 'rule.yaml') },
    });
  }
  const meta = parsed.data;
  if (meta.id !== folderName) {
    throw new AlertError(`rule folder ${folderName} declares id ${meta.id}`, {
      context: { file: join(folder, 'rule.yaml') },
      hint: 'the folder name and the id in rule.yaml must be the same',
    });
  }
  return {
    id: meta.id,
    title: meta.title,
    severity: meta.severity,
    summary: meta.summary.trim(),
    owner: meta.owner,
    inputs: meta.inputs,
    ...(meta.renotify_after_hours === undefined ? {} : { renotifyAfterHours: meta.renotify_after_hours }),
    params: meta.params,
    sql: sql as string,
    runbookPath: join(folder, 'runbook.md'),
    runbook: runbook as string,
    confirmCommand: confirmCommandOf(runbook as string),
  };
}

async function readRuleFile(folder: string, name: string, ruleId: string): Promise<string> {
  try {
    return await readFile(join(folder, name), 'utf8');
  } catch (cause) {
    throw new AlertError(`rule ${ruleId} has no ${name}`, {
      cause,
      context: { file: join(folder, name) },
      hint: 'a rule is three files: rule.yaml, query.sql and runbook.md',
    });
  }
}

function parseYamlOrThrow(text: string, folder: string): unknown {
  try {
    return parseYaml(text);
  } catch (cause) {
    throw new AlertError(`rule.yaml in ${folder} is not valid YAML`, { cause, context: { file: join(folder, 'rule.yaml') } });
  }
}

/** The first `meshwatch …` line inside a fenced code block of the runbook. */
export function confirmCommandOf(runbook: string): string | null {
  let inFence = false;
  for (const line of runbook.split('\n')) {
    if (line.trimStart().startsWith('```')) inFence = !inFence;
    else if (inFence && /^\s*meshwatch\s/.test(line)) return line.trim();
  }
  return null;
}

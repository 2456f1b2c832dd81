/**
 * Loads `meshwatch.config.yaml` once at start: parse, validate with the zod schema, resolve
 * relative paths against the file's folder. Every failure is a ConfigError whose message names the
 * key and says how to fix it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { redactUrlsIn } from '../text/redact-url.js';
import { closestMatches } from '../text/suggest.js';
import { configSchema, type MeshwatchConfig } from './schema.js';

export interface LoadedConfig extends MeshwatchConfig {
  /** Absolute path of the file it came from. */
  readonly file: string;
}

export interface LoadOptions {
  /** Overrides `lake` (the --lake flag). */
  readonly lake?: string;
}

export async function loadConfig(file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(missing ? `config file not found: ${file}` : `cannot read config file ${file}`, {
      cause,
      context: { file: absolute },
      hint: missing
        ? 'pass --config <file>, or create meshwatch.config.yaml (the repository has one for the sample organisation)'
        : 'check the file permissions',
    });
  }
  return parseConfig(text, absolute, options);
}

export function parseConfig(text: string, file: string, options: LoadOptions = {}): LoadedConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0] as Error;
    throw new ConfigError(`${file} is not valid YAML: ${first.message.split('\n')[0]}`, {
      cause: first,
      context: { file },
      hint: 'fix the YAML syntax at the line shown (indentation, a missing colon or quote)',
    });
  }
  const raw = document.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => describeIssue(issue, raw));
    throw new ConfigError(
      `${file} has ${problems.length === 1 ? 'an error' : `${problems.length} errors`}:\n  ${problems.join('\n  ')}`,
      {
        context: { file },
        hint: 'correct the keys named above; the README lists every key',
      },
    );
  }
  const base = dirname(file);
  return resolvePaths({ ...result.data, ...(options.lake ? { lake: options.lake } : {}) }, base, file, Boolean(options.lake));
}

function resolvePaths(config: MeshwatchConfig, base: string, file: string, lakeFromFlag: boolean): LoadedConfig {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  const sources = config.sources;
  return {
    ...config,
    file,
    // --lake is relative to where the user typed it; the config's lake to the config file.
    lake: lakeFromFlag ? resolve(config.lake) : at(config.lake),
    aws: { ...config.aws, ...(config.aws.snapshots ? { snapshots: at(config.aws.snapshots) } : {}) },
    sources: {
      ...sources,
      ...(sources.cloudtrail?.path ? { cloudtrail: { ...sources.cloudtrail, path: at(sources.cloudtrail.path) } } : {}),
      ...(sources.declared_grants ? { declared_grants: { path: at(sources.declared_grants.path) } } : {}),
      ...(sources.contracts ? { contracts: { path: at(sources.contracts.path) } } : {}),
    },
  };
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, raw: unknown): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys
      .map((key) => {
        const suggestion = closestMatches(key, known, 1)[0];
        const full = where ? `${where}.${key}` : key;
        return `${full}: unknown key${suggestion ? ` — did you mean "${suggestion}"?` : ''} (allowed here: ${known.join(', ')})`;
      })
      .join('\n  ');
  }
  const given = valueAt(raw, issue.path);
  if (given === undefined && issue.code === 'invalid_type') return `${where}: is required (${issue.message})`;
  return `${where || '(top level)'}: ${issue.message}${given === undefined ? '' : ` (${describeGiven(issue.path, given)})`}`;
}

/**
 * What the user wrote, for the message. A `*_env` key names a variable that holds a secret, so a
 * wrong value there is likely the secret itself (a webhook URL pasted into url_env): it is not
 * echoed. Elsewhere URLs are shown redacted (lib/text/redact-url.ts).
 */
function describeGiven(path: readonly PropertyKey[], given: unknown): string {
  if (String(path[path.length - 1] ?? '').endsWith('_env')) return 'value not shown: it may be a secret';
  return `got ${redactUrlsIn(JSON.stringify(given))}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    '',
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Keys the schema allows for the object at `path`, for "did you mean" suggestions. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema = unwrap(configSchema as unknown as SchemaNode);
  for (const part of path) {
    if (typeof part === 'number') schema = unwrap(schema.def.element as SchemaNode);
    else schema = unwrap((schema.def.shape as Record<string, SchemaNode> | undefined)?.[String(part)] as SchemaNode);
    if (!schema) return [];
  }
  return shapeKeys(schema);
}

/** Keys of an object schema; for a union (e.g. destination types), the keys of every option. */
function shapeKeys(schema: SchemaNode): string[] {
  if (schema.def.type === 'union') return [...new Set((schema.def.options ?? []).flatMap((option) => shapeKeys(unwrap(option))))];
  return Object.keys((schema.def.shape as Record<string, unknown> | undefined) ?? {});
}

interface SchemaNode {
  def: { type: string; innerType?: SchemaNode; in?: SchemaNode; element?: SchemaNode; shape?: unknown; options?: SchemaNode[] };
}

function unwrap(schema: SchemaNode | undefined): SchemaNode {
  let node = schema as SchemaNode;
  while (node && ['optional', 'default', 'nullable', 'pipe', 'prefault'].includes(node.def.type)) {
    node = (node.def.innerType ?? node.def.in) as SchemaNode;
  }
  return node;
}

/**
 * A rule's parameters: the defaults in its rule.yaml, overridden by `alerts.rules.<id>.<param>` in
 * the config, each checked against its declared type and bounds. A wrong override is a ConfigError
 * naming the key and showing a correct example, never a silently ignored value.
 */
import { ConfigError } from '../../lib/errors.js';
import { closestMatches } from '../../lib/text/suggest.js';
import type { ParamSpec, RuleDefinition } from './rule-catalog.js';

export type ParamValue = number | string | boolean | Readonly<Record<string, number>>;

export interface RuleSettings {
  readonly enabled: boolean;
  readonly params: Readonly<Record<string, ParamValue>>;
}

type Overrides = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export function resolveRuleSettings(rules: readonly RuleDefinition[], overrides: Overrides): Map<string, RuleSettings> {
  const known = rules.map((rule) => rule.id);
  for (const id of Object.keys(overrides)) {
    if (!known.includes(id)) {
      const suggestion = closestMatches(id, known, 1)[0];
      throw new ConfigError(`alerts.rules.${id}: no such rule${suggestion ? ` — did you mean "${suggestion}"?` : ''}`, {
        hint: `rules are: ${known.join(', ')}`,
      });
    }
  }
  return new Map(rules.map((rule) => [rule.id, settingsFor(rule, overrides[rule.id] ?? {})]));
}

function settingsFor(rule: RuleDefinition, override: Readonly<Record<string, unknown>>): RuleSettings {
  const params: Record<string, ParamValue> = {};
  for (const [name, spec] of Object.entries(rule.params)) params[name] = spec.default;
  let enabled = true;
  for (const [name, value] of Object.entries(override)) {
    const key = `alerts.rules.${rule.id}.${name}`;
    if (name === 'enabled') {
      if (typeof value !== 'boolean') throw new ConfigError(`${key}: must be true or false (got ${JSON.stringify(value)})`);
      enabled = value;
      continue;
    }
    const spec = rule.params[name];
    if (!spec) {
      const allowed = ['enabled', ...Object.keys(rule.params)];
      const suggestion = closestMatches(name, allowed, 1)[0];
      throw new ConfigError(`${key}: unknown parameter${suggestion ? ` — did you mean "${suggestion}"?` : ''}`, {
        hint: `parameters of ${rule.id}: ${allowed.join(', ')}`,
      });
    }
    params[name] = checkParam(key, spec, value);
  }
  return { enabled, params };
}

export function checkParam(key: string, spec: ParamSpec, value: unknown): ParamValue {
  const fail = (expected: string): never => {
    throw new ConfigError(`${key}: must be ${expected} (got ${JSON.stringify(value)})`, {
      hint: `for example ${key.split('.').pop()}: ${JSON.stringify(spec.default)} — ${spec.description}`,
    });
  };
  switch (spec.type) {
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`a ${spec.type}`);
      if (spec.type === 'integer' && !Number.isInteger(value)) return fail('a whole number');
      if (spec.min !== undefined && value < spec.min) return fail(`at least ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) return fail(`at most ${spec.max}`);
      return value;
    }
    case 'string':
      if (typeof value !== 'string') return fail('a string');
      if (spec.enum && !spec.enum.includes(value)) return fail(`one of ${spec.enum.join(', ')}`);
      return value;
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'number_map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('a map of names to numbers');
      for (const item of Object.values(value))
        if (typeof item !== 'number' || !Number.isFinite(item)) fail('a map of names to numbers');
      return value as Record<string, number>;
    }
  }
}

/**
 * What the build passes to every data loader through the environment (loaders are separate
 * processes started by Observable Framework, so the environment is their only input).
 */
import { resolve } from 'node:path';
import { UsageError } from '../../lib/errors.js';

export const ENV_LAKE = 'MESHWATCH_LAKE';
export const ENV_NOW = 'MESHWATCH_NOW';
export const ENV_REFRESHED_AT = 'MESHWATCH_REFRESHED_AT';
export const ENV_DOMAINS = 'MESHWATCH_DASHBOARD_DOMAINS';

export function lakeFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  const lake = env[ENV_LAKE];
  if (!lake) {
    throw new UsageError(`${ENV_LAKE} is not set`, {
      hint: 'build the dashboards with `meshwatch dashboards build`, which points the data loaders at the lake',
    });
  }
  return resolve(lake);
}

/** "Now" of the run that built the site (the config's pinned `now`, else the wall clock). */
export function nowFromEnvironment(env: NodeJS.ProcessEnv = process.env): Date {
  const text = env[ENV_NOW];
  const now = text ? new Date(text) : new Date();
  if (Number.isNaN(now.getTime())) throw new UsageError(`${ENV_NOW} is not a timestamp: ${text}`);
  return now;
}

/** A loader's route parameter, passed by Framework as `--name=value`. */
export function routeParameter(name: string, argv: readonly string[] = process.argv): string {
  const prefix = `--${name}=`;
  const value = argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
  if (!value) throw new UsageError(`the data loader needs the route parameter ${name}`);
  return value;
}

export const ENV_NEW_READER_DAYS = 'MESHWATCH_NEW_READER_DAYS';
/** The pii_new_reader rule's default `lookback_days` (reports/alerts/rules/pii_new_reader/rule.yaml). */
export const DEFAULT_NEW_READER_DAYS = 7;

/** The window "new readers this week" covers: [now − lookback days, now). */
export function newReaderWindowStart(env: NodeJS.ProcessEnv = process.env): { since: string; now: string } {
  const now = nowFromEnvironment(env);
  const days = Number(env[ENV_NEW_READER_DAYS] ?? DEFAULT_NEW_READER_DAYS);
  if (!Number.isFinite(days) || days <= 0) throw new UsageError(`${ENV_NEW_READER_DAYS} must be a positive number of days`);
  return { since: new Date(now.getTime() - days * 86_400_000).toISOString(), now: now.toISOString() };
}

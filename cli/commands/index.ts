/**
 * Every command the CLI offers, in the order `meshwatch --help` lists them. A command module
 * exports `register(program)`; keep one command (or one family of sub-commands) per file.
 *
 * Modules are loaded on demand: a run names one command, and loading only that one keeps the
 * start-up of, say, a `collect` that finds nothing new well under a second (the report, transform
 * and dashboard modules behind the other commands cost ~0.3 s more). `--help` loads them all.
 */
import type { Command } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

export const commandLoaders: Readonly<Record<string, () => Promise<CommandModule>>> = {
  run: () => import('./run.js'),
  collect: () => import('./collect.js'),
  transform: () => import('./transform.js'),
  sql: () => import('./sql.js'),
  dashboards: () => import('./dashboards.js'),
  'who-queried': () => import('./who-queried.js'),
  'pii-access': () => import('./pii-access.js'),
  chargeback: () => import('./chargeback.js'),
  health: () => import('./health.js'),
  drift: () => import('./drift.js'),
  coverage: () => import('./coverage.js'),
  alerts: () => import('./alerts.js'),
};

/**
 * The modules to register for these arguments: only the named command's when the arguments name
 * one, else all of them (for `--help`, a mistyped command's suggestions, or no command at all).
 */
export async function commandModulesFor(args: readonly string[]): Promise<CommandModule[]> {
  const named = args.find((arg) => Object.hasOwn(commandLoaders, arg));
  const wantsOverview = args.length === 0 || args.includes('help');
  const loaders =
    named && !wantsOverview ? [commandLoaders[named] as () => Promise<CommandModule>] : Object.values(commandLoaders);
  return Promise.all(loaders.map((load) => load()));
}

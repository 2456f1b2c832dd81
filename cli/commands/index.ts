/**
 * Every command the CLI offers, in the order `meshwatch --help` lists them. A command module
 * exports `register(program)`; keep one command (or one family of sub-commands) per file.
 */
import type { Command } from 'commander';
import * as alerts from './alerts.js';
import * as chargeback from './chargeback.js';
import * as collect from './collect.js';
import * as coverage from './coverage.js';
import * as dashboards from './dashboards.js';
import * as drift from './drift.js';
import * as health from './health.js';
import * as piiAccess from './pii-access.js';
import * as run from './run.js';
import * as sql from './sql.js';
import * as transform from './transform.js';
import * as whoQueried from './who-queried.js';

export interface CommandModule {
  register(program: Command): void;
}

export const commandModules: readonly CommandModule[] = [
  run,
  collect,
  transform,
  sql,
  dashboards,
  whoQueried,
  piiAccess,
  chargeback,
  health,
  drift,
  coverage,
  alerts,
];

/**
 * Every command the CLI offers, in the order `meshwatch --help` lists them. A command module
 * exports `register(program)`; keep one command (or one family of sub-commands) per file.
 */
import type { Command } from 'commander';
import * as collect from './collect.js';
import * as run from './run.js';
import * as sql from './sql.js';
import * as transform from './transform.js';

export interface CommandModule {
  register(program: Command): void;
}

export const commandModules: readonly CommandModule[] = [run, collect, transform, sql];

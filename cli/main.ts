/**
 * The `meshwatch` command line: global flags, one module per command (cli/commands/), and the one
 * place where errors become messages and exit codes (0 ok, 1 runtime failure, 2 usage or config).
 */
import { Command, CommanderError } from 'commander';
import { describeError, exitCodeFor } from '../lib/errors.js';
import { umaskFor } from '../lib/lake/file-modes.js';
import { createLogger } from '../lib/log.js';
import { type CommandModule, commandModulesFor } from './commands/index.js';

export interface GlobalOptions {
  readonly config: string;
  readonly lake?: string;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  /** False with --no-wait: fail instead of waiting for the lake lock. */
  readonly wait?: boolean;
  readonly lockTimeout?: string;
}

export function buildProgram(commandModules: readonly CommandModule[]): Command {
  const program = new Command('meshwatch')
    .description('Audit, observability and FinOps analytics for an AWS data mesh')
    .option('-c, --config <file>', 'configuration file', './meshwatch.config.yaml')
    .option('--lake <dir>', 'lake folder (overrides the config "lake" key)')
    .option('-q, --quiet', 'print only results, warnings and errors')
    .option('-v, --verbose', 'print debugging detail')
    .option('--no-wait', 'when another meshwatch command holds the lake lock, exit 1 naming it instead of waiting')
    .option('--lock-timeout <duration>', 'wait at most this long for the lake lock (90, 30s, 10m); default: as long as it takes')
    .showHelpAfterError('(run meshwatch --help for usage)')
    .exitOverride();
  for (const module of commandModules) module.register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Owner-only files from the first write on (README "Security"); the config may widen it to the group.
  process.umask(umaskFor(false));
  // argv[0] is node and argv[1] the script; the command modules needed are picked from the rest.
  const program = buildProgram(await commandModulesFor(argv.slice(2)));
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print themselves and exit 0; everything else is a usage mistake.
      return error.exitCode === 0 ? 0 : 2;
    }
    const verbose = Boolean(program.opts<GlobalOptions>().verbose);
    createLogger('normal').error(describeError(error, { verbose }));
    return exitCodeFor(error);
  }
}

/** Builds the RunContext for a command from the global flags: config loaded and validated once. */
import type { Command } from 'commander';
import { loadConfig } from '../lib/config/load.js';
import { createContext, type RunContext } from '../lib/context.js';
import { lockPolicyFromFlags } from '../lib/lake/lock-policy.js';
import { createLogger } from '../lib/log.js';
import type { GlobalOptions } from './main.js';

export async function contextFor(command: Command): Promise<RunContext> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const logger = createLogger(options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal');
  const lockPolicy = lockPolicyFromFlags(options);
  const config = await loadConfig(options.config, { lake: options.lake });
  return createContext(config, logger, { lockPolicy });
}

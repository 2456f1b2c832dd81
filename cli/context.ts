/** Builds the RunContext for a command from the global flags: config loaded and validated once. */
import type { Command } from 'commander';
import { loadConfig } from '../lib/config/load.js';
import { createContext, type RunContext } from '../lib/context.js';
import { applyFileModes, dirMode, wideLakeRootMode } from '../lib/lake/file-modes.js';
import { lockPolicyFromFlags } from '../lib/lake/lock-policy.js';
import { createLogger } from '../lib/log.js';
import type { GlobalOptions } from './main.js';

export async function contextFor(command: Command): Promise<RunContext> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const logger = createLogger(options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal');
  const lockPolicy = lockPolicyFromFlags(options);
  const config = await loadConfig(options.config, { lake: options.lake });
  applyFileModes(config.file_modes.group_readable);
  const wide = await wideLakeRootMode(config.lake);
  if (wide) {
    logger.warn(
      `lake ${config.lake} is open to others (mode ${wide}): files written before may be readable; ` +
        `chmod ${dirMode().toString(8)} it (README "Security")`,
    );
  }
  return createContext(config, logger, { lockPolicy });
}

/** Prints each notification as a few lines for a person watching the run (always available). */
import type { AlertDestinationConfig } from '../../../lib/config/schema.js';
import { type Destination, headline } from './destination.js';
import { routingFilter } from './routing.js';

type StdoutConfig = Extract<AlertDestinationConfig, { type: 'stdout' }>;

export function stdoutDestination(
  config: StdoutConfig,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Destination {
  return {
    name: config.name ?? 'stdout',
    type: 'stdout',
    accepts: routingFilter(config),
    async send(notification) {
      const lines = [
        headline(notification),
        `  ${notification.reason}`,
        `  owner: ${notification.owner}${notification.domain ? `  domain: ${notification.domain}` : ''}${
          notification.account_id ? `  account: ${notification.account_id}` : ''
        }  alert: ${notification.alert_id}`,
      ];
      if (notification.kind !== 'resolved') {
        if (notification.runbook.confirm) lines.push(`  confirm: ${notification.runbook.confirm}`);
        lines.push(`  runbook: ${notification.runbook.link}`);
      }
      write(`${lines.join('\n')}\n`);
    },
  };
}

/** The routing filters every destination shares: minimum severity, domains and rules. */
import type { AlertDestinationConfig } from '../../../lib/config/schema.js';
import { type Notification, severityAtLeast } from '../types.js';

export function routingFilter(config: AlertDestinationConfig): (notification: Omit<Notification, 'deliveries'>) => boolean {
  return (notification) =>
    severityAtLeast(notification.severity, config.min_severity) &&
    (!config.domains || (notification.domain !== null && config.domains.includes(notification.domain))) &&
    (!config.rules || config.rules.includes(notification.rule));
}

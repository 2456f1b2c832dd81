/**
 * Builds the configured destinations: notification destinations (stdout, JSONL file, webhook,
 * Slack, SNS) that the outbox delivers to, and CloudWatch metric sinks published once per run.
 * No destinations configured means stdout only.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { AlertDestinationConfig } from '../../../lib/config/schema.js';
import type { RunContext } from '../../../lib/context.js';
import { ConfigError } from '../../../lib/errors.js';
import { type AwsCredentials, cloudWatchClient, regionOfArn, snsClient } from './aws-clients.js';
import { type CloudWatchSink, cloudWatchSink } from './cloudwatch-metrics.js';
import type { Destination } from './destination.js';
import { jsonlFileDestination } from './jsonl-file.js';
import { snsDestination } from './sns.js';
import { stdoutDestination } from './stdout.js';
import { webhookDestination } from './webhook.js';

export interface DestinationSet {
  readonly destinations: readonly Destination[];
  readonly metricSinks: readonly CloudWatchSink[];
}

export function defaultJsonlPath(ctx: Pick<RunContext, 'layout'>): string {
  return join(ctx.layout.reportsDir, 'alerts', 'notifications.jsonl');
}

export interface DestinationOptions {
  /** Credentials for SNS and CloudWatch instead of the default provider chain (tests, embedding). */
  readonly awsCredentials?: AwsCredentials;
  /** The wall clock CloudWatch timestamps are checked against. */
  readonly wallClock?: () => Date;
}

export function createDestinations(ctx: Pick<RunContext, 'config' | 'layout'>, options: DestinationOptions = {}): DestinationSet {
  const configured: readonly AlertDestinationConfig[] =
    ctx.config.alerts.destinations.length > 0 ? ctx.config.alerts.destinations : [{ type: 'stdout', min_severity: 'low' }];
  assertUniqueNames(configured);
  const destinations: Destination[] = [];
  const metricSinks: CloudWatchSink[] = [];
  for (const config of configured) {
    switch (config.type) {
      case 'stdout':
        destinations.push(stdoutDestination(config));
        break;
      case 'jsonl':
        destinations.push(
          jsonlFileDestination(config, config.path ? resolveFromConfig(ctx.config.file, config.path) : defaultJsonlPath(ctx)),
        );
        break;
      case 'webhook':
      case 'slack':
        destinations.push(webhookDestination(config));
        break;
      case 'sns':
        destinations.push(
          snsDestination(config, snsClient(ctx.config, regionOfArn(config.topic_arn), options.awsCredentials, config.timeout_ms)),
        );
        break;
      case 'cloudwatch':
        metricSinks.push(
          cloudWatchSink(
            config.name ?? 'cloudwatch',
            ctx.config.alerts.namespace,
            cloudWatchClient(
              ctx.config,
              config.region ?? ctx.config.regions[0] ?? 'us-east-1',
              options.awsCredentials,
              config.timeout_ms,
            ),
            options.wallClock,
          ),
        );
        break;
    }
  }
  return { destinations, metricSinks };
}

function resolveFromConfig(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(configFile), path);
}

function assertUniqueNames(configured: readonly AlertDestinationConfig[]): void {
  const seen = new Set<string>();
  for (const config of configured) {
    const name = config.name ?? config.type;
    if (seen.has(name)) {
      throw new ConfigError(`alerts.destinations: two destinations are named "${name}"`, {
        hint: 'give each destination of the same type its own name: (e.g. name: oncall-slack)',
      });
    }
    seen.add(name);
  }
}

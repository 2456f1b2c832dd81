/**
 * Publishes notifications to an on-call SNS topic (e-mail, SMS, PagerDuty subscriptions).
 * Subject: ASCII without line breaks, at most 100 characters (the API's limit). Message: what,
 * why, owner, the runbook summary and where the runbook is. Attributes `severity` and `rule` let
 * subscriptions filter; `idempotency_key` lets a receiver drop a re-sent copy.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertDestinationConfig } from '../../../lib/config/schema.js';
import type { Notification } from '../types.js';
import { deliveryErrorFromAws } from './aws-failure.js';
import { type Destination, headline } from './destination.js';
import { routingFilter } from './routing.js';

type SnsConfig = Extract<AlertDestinationConfig, { type: 'sns' }>;

export const SNS_SUBJECT_MAX = 100;

export function snsDestination(config: SnsConfig, client: SNSClient): Destination {
  const name = config.name ?? 'sns';
  const fifo = config.topic_arn.endsWith('.fifo');
  return {
    name,
    type: 'sns',
    accepts: routingFilter(config),
    async send(notification) {
      const command = new PublishCommand({
        TopicArn: config.topic_arn,
        Subject: snsSubject(headline(notification)),
        Message: snsMessage(notification),
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: notification.severity },
          rule: { DataType: 'String', StringValue: notification.rule },
          kind: { DataType: 'String', StringValue: notification.kind },
          idempotency_key: { DataType: 'String', StringValue: notification.id },
        },
        // FIFO topics drop a second publish with the same id within five minutes.
        ...(fifo ? { MessageGroupId: notification.alert_id, MessageDeduplicationId: notification.id } : {}),
      });
      try {
        await client.send(command);
      } catch (error) {
        throw deliveryErrorFromAws(name, 'sns:Publish', error);
      }
    },
  };
}

/** Printable ASCII only, one line, at most 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return ascii.length <= SNS_SUBJECT_MAX ? ascii : `${ascii.slice(0, SNS_SUBJECT_MAX - 3)}...`;
}

export function snsMessage(notification: Notification): string {
  const lines = [
    headline(notification),
    '',
    notification.reason,
    '',
    `rule: ${notification.rule}   severity: ${notification.severity}   alert: ${notification.alert_id}`,
    `owner: ${notification.owner}${notification.domain ? `   domain: ${notification.domain}` : ''}${
      notification.account_id ? `   account: ${notification.account_id}` : ''
    }`,
  ];
  if (notification.kind !== 'resolved') {
    lines.push('', `What it means: ${notification.runbook.summary}`);
    if (notification.runbook.confirm) lines.push(`Confirm: ${notification.runbook.confirm}`);
    lines.push(`Runbook: ${notification.runbook.link}`);
  }
  lines.push('', `idempotency key: ${notification.id}`);
  return lines.join('\n');
}

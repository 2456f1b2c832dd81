/**
 * Generic JSON webhooks and Slack-compatible incoming webhooks. The URL is a secret (the path is
 * the credential), so it comes from the environment variable the config names and never appears
 * in a message, an error or a log line. Transient failures (network, timeouts, 408/429/5xx) are
 * retried with exponential backoff; any other 4xx fails at once and is reported, not retried.
 */
import type { AlertDestinationConfig } from '../../../lib/config/schema.js';
import { redact } from '../../../lib/log.js';
import { DeliveryError } from '../errors.js';
import type { Notification } from '../types.js';
import { type Destination, headline, publicPayload } from './destination.js';
import { routingFilter } from './routing.js';

type WebhookConfig = Extract<AlertDestinationConfig, { type: 'webhook' | 'slack' }>;

const RETRYABLE_STATUS = new Set([408, 425, 429]);
const MAX_DELAY_MS = 30_000;

export interface WebhookOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function webhookDestination(config: WebhookConfig, options: WebhookOptions = {}): Destination {
  const env = options.env ?? process.env;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const name = config.name ?? config.type;
  return {
    name,
    type: config.type,
    accepts: routingFilter(config),
    async send(notification) {
      const url = env[config.url_env];
      if (!url) {
        // Not permanent: once the variable is set, the next run delivers what waited in the outbox.
        throw new DeliveryError(`destination ${name}: environment variable ${config.url_env} is not set`, false, {
          context: { destination: name },
          hint: `export ${config.url_env}=<the webhook URL> before running meshwatch`,
        });
      }
      const body = JSON.stringify(config.type === 'slack' ? slackBody(notification) : publicPayload(notification));
      await postWithRetries(url, body, notification.id, { name, config, sleep });
    },
  };
}

interface PostContext {
  readonly name: string;
  readonly config: WebhookConfig;
  readonly sleep: (ms: number) => Promise<void>;
}

async function postWithRetries(url: string, body: string, idempotencyKey: string, context: PostContext): Promise<void> {
  const { name, config, sleep } = context;
  let lastProblem = '';
  for (let attempt = 1; attempt <= config.max_attempts; attempt += 1) {
    const outcome = await postOnce(url, body, idempotencyKey, config.timeout_ms);
    if (outcome.ok) return;
    lastProblem = outcome.problem;
    if (!outcome.retryable) {
      throw new DeliveryError(`destination ${name} rejected notification ${idempotencyKey}: ${lastProblem}`, true, {
        context: { destination: name, attempts: attempt },
        hint: 'a 4xx means the request is wrong for this receiver (URL revoked, payload refused); fix the destination config',
      });
    }
    if (attempt < config.max_attempts)
      await sleep(Math.min(config.retry_base_ms * 2 ** (attempt - 1), outcome.retryAfterMs ?? MAX_DELAY_MS, MAX_DELAY_MS));
  }
  throw new DeliveryError(`destination ${name} failed after ${config.max_attempts} attempts: ${lastProblem}`, false, {
    context: { destination: name, attempts: config.max_attempts },
    hint: 'the notification stays in the outbox and is sent again on the next run',
  });
}

type PostOutcome = { ok: true } | { ok: false; retryable: boolean; problem: string; retryAfterMs?: number };

async function postOnce(url: string, body: string, idempotencyKey: string, timeoutMs: number): Promise<PostOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // Only the error's own message, redacted: a cause chain could carry the URL.
    const cause = (error as Error & { cause?: Error }).cause;
    return { ok: false, retryable: true, problem: redact(`${(error as Error).message}${cause ? ` (${cause.message})` : ''}`) };
  }
  // Drain the body so the connection is released; receivers' error text is short and useful.
  const text = redact((await response.text().catch(() => '')).slice(0, 200));
  if (response.ok) return { ok: true };
  const problem = `HTTP ${response.status}${text ? ` ${text}` : ''}`;
  const retryable = response.status >= 500 || RETRYABLE_STATUS.has(response.status);
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    ok: false,
    retryable,
    problem,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

/** Slack incoming-webhook body: `text` for notifications and clients without blocks, blocks for the rest. */
export function slackBody(notification: Notification): Record<string, unknown> {
  const text = headline(notification);
  const details = [
    `*${escapeSlack(notification.reason)}*`,
    `owner: ${escapeSlack(notification.owner)}${notification.domain ? ` · domain: ${escapeSlack(notification.domain)}` : ''}${
      notification.account_id ? ` · account: ${notification.account_id}` : ''
    }`,
    ...(notification.kind === 'resolved'
      ? []
      : [
          escapeSlack(notification.runbook.summary),
          ...(notification.runbook.confirm ? [`confirm: \`${notification.runbook.confirm.replaceAll('`', "'")}\``] : []),
          `runbook: ${escapeSlack(notification.runbook.link)}`,
        ]),
    `alert \`${notification.alert_id}\` · key \`${notification.id}\``,
  ];
  return {
    text: escapeSlack(text),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: details.join('\n').slice(0, 3000) } },
    ],
  };
}

/** Slack reads &, < and > as markup. */
function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Generic JSON webhooks and Slack-compatible incoming webhooks. The URL is a secret (the path is
 * the credential), so it comes from the environment variable the config names and is never shown
 * but redacted (lib/text/redact-url.ts). With `secret_env`, each request carries an HMAC-SHA256
 * signature (webhook-signature.ts). Only a 2xx counts as delivered (http-post.ts: redirects are
 * held, except one 307/308 to the same origin). Transient failures (network, timeouts,
 * 408/425/429/5xx) are retried with exponential backoff; any other 4xx fails at once.
 */
import type { AlertDestinationConfig } from '../../../lib/config/schema.js';
import { DeliveryError } from '../errors.js';
import type { Notification } from '../types.js';
import { type Destination, headline, publicPayload } from './destination.js';
import { type PostOutcome, postOnce } from './http-post.js';
import { routingFilter } from './routing.js';
import { signatureHeaders } from './webhook-signature.js';

type WebhookConfig = Extract<AlertDestinationConfig, { type: 'webhook' | 'slack' }>;

const MAX_DELAY_MS = 30_000;

export interface WebhookOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The wall clock signatures are stamped with (never the pinned `now`: receivers check it). */
  readonly clock?: () => Date;
}

/** Where and how to post: the URL without its userinfo, which becomes Basic authentication. */
interface Target {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
}

export function webhookDestination(config: WebhookConfig, options: WebhookOptions = {}): Destination {
  const env = options.env ?? process.env;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const clock = options.clock ?? (() => new Date());
  const name = config.name ?? config.type;
  return {
    name,
    type: config.type,
    accepts: routingFilter(config),
    async send(notification) {
      const target = resolveTarget(name, config.url_env, env[config.url_env]);
      const secret = config.secret_env === undefined ? undefined : requireSecret(name, config.secret_env, env[config.secret_env]);
      const body = JSON.stringify(config.type === 'slack' ? slackBody(notification) : publicPayload(notification));
      const headersFor = () => ({
        'content-type': 'application/json',
        'idempotency-key': notification.id,
        ...target.headers,
        // Signed per attempt: a retry carries a fresh timestamp, inside the receiver's replay window.
        ...(secret === undefined ? {} : signatureHeaders(secret, body, clock())),
      });
      await postWithRetries({ url: target.url, body, headersFor, idempotencyKey: notification.id }, { name, config, sleep });
    },
  };
}

function resolveTarget(name: string, variable: string, value: string | undefined): Target {
  // Not permanent: once the variable is right, the next run delivers what waited in the outbox.
  if (!value) {
    throw new DeliveryError(`destination ${name}: environment variable ${variable} is not set`, false, {
      context: { destination: name },
      hint: `export ${variable}=<the webhook URL> before running meshwatch`,
    });
  }
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
    throw new DeliveryError(`destination ${name}: environment variable ${variable} does not hold an http(s) URL`, false, {
      context: { destination: name },
      hint: `set ${variable} to the full webhook URL, starting with https://`,
    });
  }
  if (!url.username && !url.password) return { url, headers: {} };
  // fetch refuses URLs with credentials (and prints them in its error); userinfo means Basic auth.
  const credentials = `${decodeUserinfo(url.username)}:${decodeUserinfo(url.password)}`;
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return { url: bare, headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}

/** Percent-decoded, or as written when it is not valid percent-encoding (never an exception that could quote it). */
function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function requireSecret(name: string, variable: string, value: string | undefined): string {
  // Sending unsigned would teach receivers to accept unsigned alerts: wait for the secret instead.
  if (value) return value;
  throw new DeliveryError(`destination ${name}: environment variable ${variable} (the signing secret) is not set`, false, {
    context: { destination: name },
    hint: `export ${variable}=<the shared secret> before running meshwatch, or remove secret_env`,
  });
}

interface PostPlan {
  readonly url: URL;
  readonly body: string;
  readonly headersFor: () => Record<string, string>;
  readonly idempotencyKey: string;
}

interface PostContext {
  readonly name: string;
  readonly config: WebhookConfig;
  readonly sleep: (ms: number) => Promise<void>;
}

async function postWithRetries(plan: PostPlan, context: PostContext): Promise<void> {
  const { name, config, sleep } = context;
  let last: Exclude<PostOutcome, { kind: 'delivered' }> | undefined;
  for (let attempt = 1; attempt <= config.max_attempts; attempt += 1) {
    const outcome = await postOnce({ url: plan.url, headers: plan.headersFor(), body: plan.body, timeoutMs: config.timeout_ms });
    if (outcome.kind === 'delivered') return;
    last = outcome;
    const failed = { destination: name, attempts: attempt, ...(outcome.status === undefined ? {} : { status: outcome.status }) };
    if (outcome.kind === 'reject') {
      throw new DeliveryError(`destination ${name} rejected notification ${plan.idempotencyKey}: ${outcome.problem}`, true, {
        context: failed,
        hint: 'a 4xx means the request is wrong for this receiver (URL revoked, payload refused); fix the destination config',
      });
    }
    if (outcome.kind === 'hold') {
      throw new DeliveryError(`destination ${name} did not take notification ${plan.idempotencyKey}: ${outcome.problem}`, false, {
        context: failed,
        hint: 'it stays in the outbox and is sent again on the next run',
      });
    }
    if (attempt < config.max_attempts)
      await sleep(Math.min(config.retry_base_ms * 2 ** (attempt - 1), outcome.retryAfterMs ?? MAX_DELAY_MS, MAX_DELAY_MS));
  }
  throw new DeliveryError(`destination ${name} failed after ${config.max_attempts} attempts: ${last?.problem ?? ''}`, false, {
    context: { destination: name, attempts: config.max_attempts, ...(last?.status === undefined ? {} : { status: last.status }) },
    hint: 'the notification stays in the outbox and is sent again on the next run',
  });
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

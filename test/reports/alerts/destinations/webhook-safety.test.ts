/**
 * Webhook delivery over real HTTP against local receivers: redirects (other origin, same origin,
 * 302), failures, a receiver that never answers, signatures checked the way a receiver would, and
 * credentials in the URL. Each receiver records what reached it, so "the other host got nothing"
 * is asserted, not assumed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alertDestinationSchema } from '../../../../lib/config/schema.js';
import { webhookDestination } from '../../../../reports/alerts/destinations/webhook.js';
import { DeliveryError } from '../../../../reports/alerts/errors.js';
import type { Notification } from '../../../../reports/alerts/types.js';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Receiver {
  readonly origin: string;
  readonly received: Received[];
  close(): Promise<void>;
}

const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((receiver) => receiver.close()));
});

/** A local HTTP server whose answer `respond` decides; every request is recorded with its body. */
async function receiver(respond: (request: Received, response: ServerResponse) => void): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const entry = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
      received.push(entry);
      respond(entry, response);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  const result: Receiver = {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  open.push(result);
  return result;
}

const ok = (_request: Received, response: ServerResponse) => response.writeHead(200).end('ok');
const redirectTo = (status: number, location: string) => (_request: Received, response: ServerResponse) =>
  response.writeHead(status, { location }).end();

const SECRET_PATH = '/services/T0SECRET1/B0SECRET2/tokenSECRETxyz';

const NOTIFICATION: Notification = {
  id: 'a1b2c3d4e5f6-1',
  alert_id: 'a1b2c3d4e5f6',
  kind: 'opened',
  rule: 'freshness_sla_breached',
  title: 'Data product past its freshness SLA',
  resource: 'sales.orders',
  severity: 'high',
  status: 'open',
  reason: 'sales.orders last updated 80 h ago; its contract allows 26 h',
  domain: 'sales',
  account_id: '311111111111',
  owner: 'sales-oncall',
  dimensions: { lag_hours: 80 },
  runbook: { path: 'reports/alerts/rules/x/runbook.md', link: 'https://runbooks/x', summary: 'stale data', confirm: null },
  created_at: '2026-10-31T00:00:00.000Z',
  deliveries: { hook: { state: 'pending', attempts: 0 } },
};

function destination(url: string, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const config = alertDestinationSchema.parse({
    type: 'webhook',
    name: 'hook',
    url_env: 'TEST_HOOK_URL',
    retry_base_ms: 1,
    ...extra,
  });
  if (config.type !== 'webhook') throw new Error('unexpected type');
  return webhookDestination(config, { env: { TEST_HOOK_URL: url, ...env }, sleep: async () => undefined });
}

async function sendFailure(send: Promise<void>): Promise<DeliveryError> {
  const error = await send.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('webhook redirects', () => {
  it('does not follow a 307 to another origin: the other host gets nothing, the delivery stays pending with its status', async () => {
    const elsewhere = await receiver(ok);
    const hook = await receiver(redirectTo(307, `${elsewhere.origin}/collect?key=abc`));

    const error = await sendFailure(destination(`${hook.origin}${SECRET_PATH}`).send(NOTIFICATION));

    expect(elsewhere.received).toEqual([]);
    expect(hook.received).toHaveLength(1);
    expect(error.permanent).toBe(false);
    expect(error.context.status).toBe(307);
    expect(error.message).toContain(`HTTP 307 redirect to ${elsewhere.origin}/collect?*** not followed (another origin)`);
  });

  it('does not turn a 302 into a GET that counts as delivered', async () => {
    const hook = await receiver((request, response) =>
      request.method === 'GET' ? response.writeHead(200).end('ok') : response.writeHead(302, { location: '/landing' }).end(),
    );

    const error = await sendFailure(destination(`${hook.origin}${SECRET_PATH}`).send(NOTIFICATION));

    expect(hook.received.map((request) => `${request.method} ${request.path}`)).toEqual([`POST ${SECRET_PATH}`]);
    expect(error.permanent).toBe(false);
    expect(error.context.status).toBe(302);
    expect(error.message).not.toContain('SECRET');
  });

  it('follows one 307 to the same origin with the same POST body, and no second one', async () => {
    const moved = await receiver((request, response) =>
      request.path === '/old' ? response.writeHead(308, { location: '/new' }).end() : response.writeHead(200).end('ok'),
    );
    await destination(`${moved.origin}/old`).send(NOTIFICATION);
    expect(moved.received.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /old', 'POST /new']);
    expect(JSON.parse(moved.received[1]!.body)).toMatchObject({ idempotency_key: NOTIFICATION.id });

    const loop = await receiver(redirectTo(307, '/again'));
    const error = await sendFailure(destination(`${loop.origin}/start`).send(NOTIFICATION));
    expect(loop.received).toHaveLength(2);
    expect(error.message).toContain('more than one redirect');
  });
});

describe('webhook failures and bounds', () => {
  it('keeps a 500 as retryable after max_attempts tries, with the status', async () => {
    const hook = await receiver((_request, response) => response.writeHead(500).end('boom'));
    const error = await sendFailure(destination(`${hook.origin}/x`, { max_attempts: 3 }).send(NOTIFICATION));
    expect(hook.received).toHaveLength(3);
    expect(error.permanent).toBe(false);
    expect(error.context.status).toBe(500);
  });

  it('gives up on a receiver that never answers after timeout_ms', async () => {
    const silent = await receiver(() => undefined);
    const started = Date.now();
    const error = await sendFailure(destination(`${silent.origin}/x`, { timeout_ms: 200, max_attempts: 2 }).send(NOTIFICATION));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(silent.received).toHaveLength(2);
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('no answer within 200 ms');
  });

  it('sends the userinfo of the URL as Basic authentication and never shows it', async () => {
    const hook = await receiver((_request, response) => response.writeHead(503).end('down'));
    const error = await sendFailure(
      destination(`http://alice:hunter2@${hook.origin.slice('http://'.length)}${SECRET_PATH}?token=qs-secret`, {
        max_attempts: 1,
      }).send(NOTIFICATION),
    );
    expect(hook.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('alice:hunter2').toString('base64')}`);
    expect(hook.received[0]!.path).toBe(`${SECRET_PATH}?token=qs-secret`);
    const shown = JSON.stringify({ message: error.message, context: error.context, hint: error.hint });
    for (const secret of ['alice', 'hunter2', 'SECRET', 'qs-secret']) expect(shown).not.toContain(secret);
  });
});

/** What a receiver does: recompute the HMAC over "<timestamp>.<raw body>" and compare in constant time. */
function receiverAccepts(headers: IncomingHttpHeaders, rawBody: string, secret: string, nowSeconds: number): boolean {
  const timestamp = String(headers['x-meshwatch-timestamp'] ?? '');
  const signature = String(headers['x-meshwatch-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

describe('webhook signatures', () => {
  it('signs the body and timestamp with HMAC-SHA256 so a receiver can verify it, and tampering fails', async () => {
    const hook = await receiver(ok);
    await destination(`${hook.origin}/x`, { secret_env: 'TEST_HOOK_SECRET' }, { TEST_HOOK_SECRET: 'shh-its-a-secret' }).send(
      NOTIFICATION,
    );
    const [request] = hook.received;
    const now = Math.floor(Date.now() / 1000);
    expect(request!.headers['x-meshwatch-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(receiverAccepts(request!.headers, request!.body, 'shh-its-a-secret', now)).toBe(true);

    const tamperedBody = request!.body.replace('"severity":"high"', '"severity":"low"');
    expect(tamperedBody).not.toBe(request!.body);
    expect(receiverAccepts(request!.headers, tamperedBody, 'shh-its-a-secret', now)).toBe(false);
    expect(receiverAccepts(request!.headers, request!.body, 'another-secret', now)).toBe(false);
    const replayed = { ...request!.headers, 'x-meshwatch-timestamp': String(now - 3600) };
    expect(receiverAccepts(replayed, request!.body, 'shh-its-a-secret', now)).toBe(false);
  });

  it('sends nothing unsigned when the secret variable is not set', async () => {
    const hook = await receiver(ok);
    const error = await sendFailure(destination(`${hook.origin}/x`, { secret_env: 'TEST_HOOK_SECRET' }).send(NOTIFICATION));
    expect(hook.received).toEqual([]);
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('TEST_HOOK_SECRET (the signing secret) is not set');
  });

  it('sends no signature headers without secret_env', async () => {
    const hook = await receiver(ok);
    await destination(`${hook.origin}/x`).send(NOTIFICATION);
    expect(hook.received[0]!.headers).not.toHaveProperty('x-meshwatch-signature');
  });
});

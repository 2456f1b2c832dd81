import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alertDestinationSchema } from '../../../../lib/config/schema.js';
import { webhookDestination } from '../../../../reports/alerts/destinations/webhook.js';
import { DeliveryError } from '../../../../reports/alerts/errors.js';
import type { Notification } from '../../../../reports/alerts/types.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A local receiver that answers with the given statuses in turn (the last one repeats). */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text) });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)] as number;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'invalid_payload' : 'ok');
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret-token-xyz`,
    received,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

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
  runbook: {
    path: 'reports/alerts/rules/freshness_sla_breached/runbook.md',
    link: 'https://runbooks/x',
    summary: 'stale data',
    confirm: 'meshwatch sql "select 1"',
  },
  created_at: '2026-10-31T00:00:00.000Z',
  deliveries: { hook: { state: 'pending', attempts: 0 } },
};

let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function destination(type: 'webhook' | 'slack', url: string | undefined, sleeps: number[] = []) {
  const config = alertDestinationSchema.parse({ type, name: 'hook', url_env: 'TEST_HOOK_URL', retry_base_ms: 10 });
  if (config.type !== 'webhook' && config.type !== 'slack') throw new Error('unexpected type');
  return webhookDestination(config, {
    env: url ? { TEST_HOOK_URL: url } : {},
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('webhookDestination', () => {
  it('posts the notification as JSON with its idempotency key', async () => {
    receiver = await startReceiver([200]);
    await destination('webhook', receiver.url).send(NOTIFICATION);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['idempotency-key']).toBe('a1b2c3d4e5f6-1');
    expect(request!.body).toMatchObject({
      idempotency_key: 'a1b2c3d4e5f6-1',
      rule: 'freshness_sla_breached',
      resource: 'sales.orders',
      severity: 'high',
    });
    expect(request!.body).not.toHaveProperty('deliveries');
  });

  it('sends a Slack incoming-webhook body: text plus blocks with the runbook', async () => {
    receiver = await startReceiver([200]);
    await destination('slack', receiver.url).send(NOTIFICATION);
    const body = receiver.received[0]!.body as { text: string; blocks: { text: { text: string } }[] };
    expect(body.text).toBe('[ALERT] HIGH Data product past its freshness SLA: sales.orders');
    expect(body.blocks[1]!.text.text).toContain('confirm: `meshwatch sql "select 1"`');
    expect(body.blocks[1]!.text.text).toContain('runbook: https://runbooks/x');
  });

  it('retries after a 500 with growing delays and succeeds', async () => {
    receiver = await startReceiver([500, 502, 200]);
    const sleeps: number[] = [];
    await destination('webhook', receiver.url, sleeps).send(NOTIFICATION);
    expect(receiver.received).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
    expect(new Set(receiver.received.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['a1b2c3d4e5f6-1']));
  });

  it('does not retry a 400: one request, a permanent DeliveryError that does not show the URL', async () => {
    receiver = await startReceiver([400]);
    const error = await destination('webhook', receiver.url)
      .send(NOTIFICATION)
      .catch((caught: unknown) => caught);
    expect(receiver.received).toHaveLength(1);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(true);
    expect((error as DeliveryError).message).toContain('HTTP 400 invalid_payload');
    expect(JSON.stringify({ message: (error as Error).message, context: (error as DeliveryError).context })).not.toContain(
      'secret-token-xyz',
    );
  });

  it('gives up after max_attempts of 5xx with a retryable error, so the outbox keeps it', async () => {
    receiver = await startReceiver([503]);
    const error = (await destination('webhook', receiver.url)
      .send(NOTIFICATION)
      .catch((caught: unknown) => caught)) as DeliveryError;
    expect(receiver.received).toHaveLength(4);
    expect(error.permanent).toBe(false);
  });

  it('reports an unset url_env variable as retryable, naming the variable', async () => {
    const error = (await destination('webhook', undefined)
      .send(NOTIFICATION)
      .catch((caught: unknown) => caught)) as DeliveryError;
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('TEST_HOOK_URL is not set');
  });

  it('treats a refused connection as retryable without leaking the URL', async () => {
    receiver = await startReceiver([200]);
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    const error = (await destination('webhook', url)
      .send(NOTIFICATION)
      .catch((caught: unknown) => caught)) as DeliveryError;
    expect(error.permanent).toBe(false);
    expect(error.message).not.toContain('secret-token-xyz');
  });
});

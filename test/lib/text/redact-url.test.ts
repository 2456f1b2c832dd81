import { describe, expect, it } from 'vitest';
import { isOpaqueSegment, redactUrl, redactUrlsIn } from '../../../lib/text/redact-url.js';

describe('redactUrl', () => {
  it.each([
    // Slack: team, bot and secret are all credential parts.
    [
      'https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/abcdEFGHijklMNOPqrstUVWX',
      'https://hooks.slack.com/services/***/***/***',
    ],
    // Discord: numeric id and token.
    [
      'https://discord.com/api/webhooks/1234567890123456789/Zx_9-abcDEF_ghiJKL-mnoPQR',
      'https://discord.com/api/webhooks/***/***',
    ],
    // Teams: guids with @, a hex key, another guid; the tenant host stays.
    [
      'https://contoso.webhook.office.com/webhookb2/6f1c0a3e-1b2c-4d5e-8f90-123456789abc@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/0123456789abcdef0123456789abcdef/0d5c0a3e-1b2c-4d5e-8f90-123456789abc',
      'https://contoso.webhook.office.com/***/***/IncomingWebhook/***/***',
    ],
    // Userinfo, query string and fragment; port and plain words stay.
    [
      'https://alice:s3cr3t@hooks.example.com:8443/api/v2/alerts?token=abc&sig=def#frag',
      'https://***@hooks.example.com:8443/api/v2/alerts?***#***',
    ],
    ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000/'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('shows nothing of a string that is not a URL (a URL without its scheme)', () => {
    expect(redactUrl('hooks.slack.com/services/T0/B0/secret')).toBe('[redacted-url]');
  });
});

describe('isOpaqueSegment', () => {
  it('keeps short words and versions, masks ids, tokens and long segments', () => {
    expect(['services', 'api', 'webhooks', 'IncomingWebhook', 'v1', 'runbook.md', ''].map(isOpaqueSegment)).toEqual(
      Array(7).fill(false),
    );
    expect(['T000', 'abc%20d', 'XXXXXXXXXXXXXXXX', 'abcdefghijklmnopq', 'a+b'].map(isOpaqueSegment)).toEqual(Array(5).fill(true));
  });
});

describe('redactUrlsIn', () => {
  it('redacts every URL in a message and keeps the prose around it', () => {
    const message =
      'Request cannot be constructed from a URL that includes credentials: https://user:hunter2@hooks.example.com/hook/abc123?k=1. Retry (see https://docs.example.com/alerts).';
    const redacted = redactUrlsIn(message);
    expect(redacted).toBe(
      'Request cannot be constructed from a URL that includes credentials: https://***@hooks.example.com/hook/***?***. Retry (see https://docs.example.com/alerts).',
    );
    expect(redacted).not.toMatch(/hunter2|abc123|k=1/);
  });
});

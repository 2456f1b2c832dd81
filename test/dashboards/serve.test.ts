import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineScriptHashes, type RunningSite, resolveFile, serveSite } from '../../dashboards/serve.js';
import { chromiumPath, launchChromium } from './browser.js';

interface Answer {
  readonly status: number;
  readonly type: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A raw GET, so paths like /../x reach the server unnormalised; `host` forges the Host header (null: none). */
function get(url: string, path: string, host?: string | null): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = typeof host === 'string' ? { host } : {};
    const req = request({ hostname, port, path, method: 'GET', headers, setHost: host !== null }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers['content-type'],
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const PAGE_SCRIPT = 'document.title = "ran"';

describe('serveSite', () => {
  let root: string;
  let site: RunningSite;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'meshwatch-serve-'));
    await mkdir(join(root, 'site', 'health'), { recursive: true });
    await writeFile(join(root, 'site', 'index.html'), '<h1>home</h1>');
    await writeFile(join(root, 'site', 'finance.html'), '<h1>finance</h1>');
    await writeFile(join(root, 'site', 'health', 'sales.html'), '<h1>sales</h1>');
    await writeFile(join(root, 'site', 'data.json'), '{"a":1}');
    await writeFile(
      join(root, 'site', 'scripted.html'),
      `<title>not yet</title><body><script type="module">${PAGE_SCRIPT}</script>` +
        '<script>try { eval("document.body.dataset.evaluated = 1") } catch { document.body.dataset.blocked = 1 }</script>',
    );
    await writeFile(join(root, 'secret.txt'), 'outside the site');
    site = await serveSite(join(root, 'site'));
  });

  afterAll(async () => {
    await site?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the index, extensionless page paths and nested pages as HTML', async () => {
    const home = await get(site.url, '/');
    const finance = await get(site.url, '/finance');
    const sales = await get(site.url, '/health/sales');

    expect([home.body, finance.body, sales.body]).toEqual(['<h1>home</h1>', '<h1>finance</h1>', '<h1>sales</h1>']);
    expect(finance.type).toBe('text/html; charset=utf-8');
  });

  it('serves data files with their content type', async () => {
    const data = await get(site.url, '/data.json');

    expect(data.type).toBe('application/json');
    expect(JSON.parse(data.body)).toEqual({ a: 1 });
  });

  it('answers 404 for a missing page and for paths that climb out of the site', async () => {
    const statuses = await Promise.all(
      ['/nope', '/../secret.txt', '/%2e%2e/secret.txt', '/health/..%2f..%2fsecret.txt'].map(
        async (path) => (await get(site.url, path)).status,
      ),
    );

    expect(statuses).toEqual([404, 404, 404, 404]);
  });

  it('resolves no file for a path with a NUL byte or bad escapes', async () => {
    await expect(resolveFile(join(root, 'site'), '/index.html%00')).resolves.toBeUndefined();
    await expect(resolveFile(join(root, 'site'), '/%E0%A4%A')).resolves.toBeUndefined();
  });

  it('answers only for loopback names: a forged Host (DNS rebinding) gets 421 and no page', async () => {
    const { port } = new URL(site.url);
    const forged = await Promise.all(
      [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost@evil.example:${port}`].map((host) =>
        get(site.url, '/finance', host),
      ),
    );
    for (const answer of forged) {
      expect(answer.status).toBe(421);
      expect(answer.body).not.toContain('finance');
    }
    // No Host at all: Node's server itself refuses an HTTP/1.1 request without one (400).
    const hostless = await get(site.url, '/finance', null);
    expect([400, 421]).toContain(hostless.status);
    expect(hostless.body).not.toContain('finance');

    const loopback = await Promise.all(
      [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, 'localhost'].map((host) =>
        get(site.url, '/finance', host),
      ),
    );
    expect(loopback.map((answer) => [answer.status, answer.body])).toEqual(loopback.map(() => [200, '<h1>finance</h1>']));
  });

  it('answers for a host it is told to allow (a proxy in front), and for no other', async () => {
    const proxied = await serveSite(join(root, 'site'), { allowedHosts: ['dashboards.example.com'] });
    try {
      expect((await get(proxied.url, '/finance', 'dashboards.example.com')).status).toBe(200);
      expect((await get(proxied.url, '/finance', 'other.example.com')).status).toBe(421);
    } finally {
      await proxied.close();
    }
  });

  it('sends a strict CSP and the security headers with every answer, the page’s own inline scripts allowed by hash', async () => {
    const page = await get(site.url, '/scripted');
    const answers = [
      page,
      await get(site.url, '/data.json'),
      await get(site.url, '/nope'),
      await get(site.url, '/', 'evil.example'),
    ];
    for (const answer of answers) {
      expect(answer.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(answer.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers['content-security-policy']).toMatch(/object-src 'none'/);
      expect(answer.headers['content-security-policy']).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['x-frame-options']).toBe('DENY');
    }
    const hash = createHash('sha256').update(PAGE_SCRIPT).digest('base64');
    expect(page.headers['content-security-policy']).toContain(`'sha256-${hash}'`);
    expect(inlineScriptHashes(page.body)).toHaveLength(2);
  });

  it.skipIf(!chromiumPath())('runs the page’s inline scripts in Chromium and blocks eval, with no other CSP error', async () => {
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await tab.goto(new URL('/scripted', site.url).href, { waitUntil: 'load' });

      expect(await tab.title()).toBe('ran');
      expect(await tab.evaluate('({ ...document.body.dataset })')).toEqual({ blocked: '1' });
      // Only the eval may be refused (the favicon's 404 is no CSP matter).
      expect(errors.filter((text) => /Content Security Policy/.test(text) && !/unsafe-eval/.test(text))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

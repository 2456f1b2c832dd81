import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSite, resolveFile, serveSite } from '../../dashboards/serve.js';

/** A raw GET, so paths like /../x reach the server unnormalised. */
function get(url: string, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers['content-type'],
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

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
});

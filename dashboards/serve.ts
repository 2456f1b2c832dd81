/**
 * `meshwatch dashboards serve`: a small static file server for the built site, bound to
 * 127.0.0.1 by default. Framework writes `page.html` for `/page`, so extensionless paths get
 * `.html`; nothing outside the site folder is ever served.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.arrow': 'application/vnd.apache.arrow.file',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ServeOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface RunningSite {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function serveSite(siteDir: string, { host = '127.0.0.1', port = 0 }: ServeOptions = {}): Promise<RunningSite> {
  const server = createServer((request, response) => {
    respond(siteDir, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function respond(siteDir: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const file = await resolveFile(siteDir, new URL(request.url ?? '/', 'http://localhost').pathname);
  if (!file) {
    const notFoundPage = join(siteDir, '404.html');
    if (await isFile(notFoundPage)) {
      response.writeHead(404, { 'content-type': CONTENT_TYPES['.html'] as string });
      createReadStream(notFoundPage).pipe(response);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
    return;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

/** The file for a URL path, or undefined; paths that climb out of the site are refused. */
export async function resolveFile(siteDir: string, pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  if (relative.split(sep).includes('..')) return undefined;
  const base = join(siteDir, relative);
  const candidates = decoded.endsWith('/') ? [join(base, 'index.html')] : [base, `${base}.html`, join(base, 'index.html')];
  for (const candidate of candidates) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

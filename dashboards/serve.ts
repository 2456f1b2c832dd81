/**
 * `meshwatch dashboards serve`: a small static file server for the built site, bound to
 * 127.0.0.1 by default. Framework writes `page.html` for `/page`, so extensionless paths get
 * `.html`; nothing outside the site folder is ever served.
 *
 * The pages hold personal data (who read which PII column), so the server also defends against a
 * browser being turned on it: only requests whose Host is a loopback name (or the bound / allowed
 * host) are answered, which defeats DNS rebinding (a hostile page whose name resolves to
 * 127.0.0.1 sends its own name as Host); and every response carries a strict Content-Security-
 * Policy (scripts only from the site and the page's own inline scripts, by hash; no framing, no
 * forms, no plugins) and the usual security headers.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
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
  /** Host names (besides loopback and `host`) that requests may name, e.g. the name a proxy in front forwards. */
  readonly allowedHosts?: readonly string[];
}

/** Names a browser on this machine uses for the server: the only Host values answered by default. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Sent with every response. frame-ancestors and X-Frame-Options both: old browsers know only the latter. */
const SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The policy for a page whose inline scripts hash to `scriptHashes`. What a Framework page needs:
 * its modules and data files from the site ('self'), its two inline scripts (allowed by hash, so
 * an injected one is not), inline styles (Plot and Inputs set style attributes), images and fonts
 * as data: URLs. Nothing else: no eval, no other origin, no frames, forms or plugins, and a <base> (the 404 page sets one) only to the site.
 */
export function contentSecurityPolicy(scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.map((hash) => ` 'sha256-${hash}'`).join('')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** sha256 (base64) of each inline <script> of an HTML page, as a CSP hash source spells it. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(match[1] ?? '')) continue;
    hashes.push(
      createHash('sha256')
        .update(match[2] ?? '', 'utf8')
        .digest('base64'),
    );
  }
  return [...new Set(hashes)];
}

/** The host name of a Host header, lower-cased, without the port; undefined when it cannot be read. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (!header || /[\s/?#@\\]/.test(header)) return undefined;
  try {
    return new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function allowedHostNames(host: string, extra: readonly string[]): Set<string> {
  const names = [...LOOPBACK_HOSTS, host, ...extra].map((name) =>
    hostNameOf(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name),
  );
  return new Set(names.filter((name): name is string => name !== undefined));
}

export interface RunningSite {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function serveSite(
  siteDir: string,
  { host = '127.0.0.1', port = 0, allowedHosts = [] }: ServeOptions = {},
): Promise<RunningSite> {
  const hosts = allowedHostNames(host, allowedHosts);
  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value as string);
    response.setHeader('content-security-policy', contentSecurityPolicy());
    const hostName = hostNameOf(request.headers.host);
    if (hostName === undefined || !hosts.has(hostName)) {
      // 421 Misdirected Request: this server does not answer for that name.
      response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('this server answers only for localhost\n');
      return;
    }
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
      await sendPage(response, 404, notFoundPage, request.method === 'HEAD');
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
    return;
  }
  if (extname(file) === '.html') {
    await sendPage(response, 200, file, request.method === 'HEAD');
    return;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

/** An HTML page, read whole (tens of KB) so that its policy allows exactly its own inline scripts. */
async function sendPage(response: ServerResponse, status: number, file: string, headOnly: boolean): Promise<void> {
  const html = await readFile(file);
  response.writeHead(status, {
    'content-type': CONTENT_TYPES['.html'] as string,
    'cache-control': 'no-cache',
    'content-security-policy': contentSecurityPolicy(inlineScriptHashes(html.toString('utf8'))),
  });
  response.end(headOnly ? undefined : html);
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

/**
 * Finds every reference in a built site to another origin: absolute URLs (http, https, ws, ftp...)
 * anywhere, and protocol-relative `//host` URLs in HTML attributes and CSS. The only absolute URLs
 * allowed are the XML namespace names that SVG and XHTML code must spell out (never fetched).
 */
import { readFile } from 'node:fs/promises';
import { extname, relative } from 'node:path';
import { listFiles } from '../../lib/lake/atomic.js';

export const XML_NAMESPACES = new Set([
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/1999/xhtml',
  'http://www.w3.org/1999/xlink',
  'http://www.w3.org/2000/xmlns/',
  'http://www.w3.org/XML/1998/namespace',
]);

const TEXT_EXTENSIONS = new Set(['.html', '.js', '.css', '.json', '.csv', '.txt', '.svg', '.map']);
const ABSOLUTE_URL = /\b(?:https?|wss?|ftp):\/\/[^\s"'`<>)\\]+/gi;
const PROTOCOL_RELATIVE = /(?:\b(?:src|href|action|srcset)\s*=\s*["']?|url\(\s*["']?)\/\/[^\s"'<>)]+/gi;

export async function foreignReferences(siteDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await listFiles(siteDir)) {
    if (!TEXT_EXTENSIONS.has(extname(file))) continue;
    const text = await readFile(file, 'utf8');
    const name = relative(siteDir, file);
    for (const match of text.matchAll(ABSOLUTE_URL)) {
      if (!XML_NAMESPACES.has(match[0])) found.push(`${name}: ${match[0]}`);
    }
    if (extname(file) === '.html' || extname(file) === '.css') {
      for (const match of text.matchAll(PROTOCOL_RELATIVE)) found.push(`${name}: ${match[0]}`);
    }
  }
  return found;
}

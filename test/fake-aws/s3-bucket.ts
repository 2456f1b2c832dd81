/**
 * A local folder served as an S3 bucket: ListObjectsV2 (prefix, delimiter, continuation-token,
 * start-after, max-keys, encoding-type) and GetObject / HeadObject with ETag, Content-Length,
 * Last-Modified and `x-amz-meta-*` from a `<key>.s3meta.json` sidecar (never listed itself).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { element, escapeXml } from './xml.js';

export const SIDECAR_SUFFIX = '.s3meta.json';

/** What a sidecar may set; unknown fields are ignored. */
export interface ObjectSidecar {
  readonly Metadata?: Record<string, string>;
  readonly ContentType?: string;
  readonly ContentEncoding?: string;
}

export interface ListParams {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly continuationToken?: string;
  readonly startAfter?: string;
  readonly maxKeys?: number;
  readonly encodeKeys?: boolean;
}

/** Objects held in memory (key → body): keys no file can have, such as one with `..` segments. */
export type MemoryObjects = Readonly<Record<string, string | Uint8Array>>;

interface ObjectInfo {
  readonly key: string;
  /** The file, or null for an object held in memory (`body`). */
  readonly path: string | null;
  readonly body?: Uint8Array;
  readonly size: number;
  readonly lastModified: Date;
  readonly etag: string;
}

const etagCache = new Map<string, string>();

async function allKeys(root: string, memory: MemoryObjects = {}): Promise<string[]> {
  const keys: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !entry.name.endsWith(SIDECAR_SUFFIX)) keys.push(relative(root, path).split(sep).join('/'));
    }
  }
  await walk(root);
  keys.push(...Object.keys(memory).filter((key) => !keys.includes(key)));
  // S3 lists keys in UTF-8 binary order.
  return keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export async function objectInfo(root: string, key: string, memory: MemoryObjects = {}): Promise<ObjectInfo | undefined> {
  const held = memory[key];
  if (held !== undefined) {
    const body = typeof held === 'string' ? new TextEncoder().encode(held) : held;
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    return { key, path: null, body, size: body.length, lastModified: new Date(0), etag };
  }
  if (key.endsWith(SIDECAR_SUFFIX) || key.split('/').includes('..')) return undefined;
  const path = join(root, ...key.split('/'));
  let stats: import('node:fs').Stats;
  try {
    stats = await stat(path);
  } catch {
    return undefined;
  }
  if (!stats.isFile()) return undefined;
  const cacheKey = `${path}:${stats.size}:${stats.mtimeMs}`;
  let etag = etagCache.get(cacheKey);
  if (!etag) {
    etag = `"${createHash('md5')
      .update(await readFile(path))
      .digest('hex')}"`;
    etagCache.set(cacheKey, etag);
  }
  return { key, path, size: stats.size, lastModified: stats.mtime, etag };
}

export async function readSidecar(root: string, key: string): Promise<ObjectSidecar> {
  try {
    return JSON.parse(await readFile(join(root, ...`${key}${SIDECAR_SUFFIX}`.split('/')), 'utf8')) as ObjectSidecar;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

function encodeToken(marker: string): string {
  return Buffer.from(marker, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

export async function listObjectsV2Xml(
  bucket: string,
  root: string,
  params: ListParams,
  memory: MemoryObjects = {},
): Promise<string> {
  const prefix = params.prefix ?? '';
  const maxKeys = Math.min(params.maxKeys ?? 1000, 1000);
  const marker = params.continuationToken ? decodeToken(params.continuationToken) : params.startAfter;
  const contents: string[] = [];
  const commonPrefixes: string[] = [];
  let lastReturned: string | undefined;
  let truncated = false;
  for (const key of await allKeys(root, memory)) {
    if (!key.startsWith(prefix)) continue;
    if (marker !== undefined && (key <= marker || (marker.endsWith(params.delimiter ?? '\u0000') && key.startsWith(marker)))) {
      continue;
    }
    const rest = key.slice(prefix.length);
    const cut = params.delimiter ? rest.indexOf(params.delimiter) : -1;
    const common = cut >= 0 ? prefix + rest.slice(0, cut + (params.delimiter as string).length) : undefined;
    if (common !== undefined && common === commonPrefixes.at(-1)) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      commonPrefixes.push(common);
      lastReturned = common;
    } else {
      const info = await objectInfo(root, key, memory);
      if (!info) continue;
      contents.push(contentsXml(info, params.encodeKeys));
      lastReturned = key;
    }
  }
  const encode = (text: string) => (params.encodeKeys ? encodeURIComponent(text) : text);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    element('Name', bucket),
    element('Prefix', encode(prefix)),
    params.delimiter ? element('Delimiter', encode(params.delimiter)) : '',
    element('MaxKeys', maxKeys),
    params.encodeKeys ? element('EncodingType', 'url') : '',
    element('KeyCount', contents.length + commonPrefixes.length),
    element('IsTruncated', truncated),
    params.continuationToken ? element('ContinuationToken', params.continuationToken) : '',
    truncated && lastReturned ? element('NextContinuationToken', encodeToken(lastReturned)) : '',
    params.startAfter ? element('StartAfter', encode(params.startAfter)) : '',
    ...contents,
    ...commonPrefixes.map((common) => `<CommonPrefixes>${element('Prefix', encode(common))}</CommonPrefixes>`),
    '</ListBucketResult>',
  ].join('');
}

function contentsXml(info: ObjectInfo, encodeKeys = false): string {
  return `<Contents>${element('Key', encodeKeys ? encodeURIComponent(info.key) : info.key)}${element(
    'LastModified',
    info.lastModified.toISOString(),
  )}<ETag>${escapeXml(info.etag)}</ETag>${element('Size', info.size)}${element('StorageClass', 'STANDARD')}</Contents>`;
}

/** Response headers of GetObject / HeadObject. */
export async function objectHeaders(root: string, info: ObjectInfo): Promise<Record<string, string>> {
  const sidecar = info.path === null ? {} : await readSidecar(root, info.key);
  const headers: Record<string, string> = {
    'content-length': String(info.size),
    etag: info.etag,
    'last-modified': info.lastModified.toUTCString(),
    'content-type': sidecar.ContentType ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
  };
  if (sidecar.ContentEncoding) headers['content-encoding'] = sidecar.ContentEncoding;
  for (const [name, value] of Object.entries(sidecar.Metadata ?? {})) headers[`x-amz-meta-${name.toLowerCase()}`] = value;
  return headers;
}

export function objectStream(info: ObjectInfo): NodeJS.ReadableStream {
  return info.path === null ? Readable.from([Buffer.from(info.body ?? new Uint8Array())]) : createReadStream(info.path);
}

/**
 * A local folder served as an S3 bucket: ListObjectsV2 (prefix, delimiter, continuation-token,
 * start-after, max-keys, encoding-type) and GetObject / HeadObject with ETag, Content-Length,
 * Last-Modified and `x-amz-meta-*` from a `<key>.s3meta.json` sidecar (never listed itself);
 * PutObject, DeleteObject and DeleteObjects, with S3's conditional writes and deletes
 * (`If-None-Match: *`, `If-Match: <etag>`: 412 PreconditionFailed, 404 NoSuchKey, 409
 * ConditionalRequestConflict).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
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

/** What PutObject and DeleteObject check before they write (the If-* request headers). */
export interface WriteConditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
}

/** A write's answer, before the server adds the request id. */
export interface WriteAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** An S3 error code for an XML error body; none for a success. */
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Keys with a write in progress. S3 answers a conditional request that races another write to
 * the same key with 409 ConditionalRequestConflict (the caller should retry); the fake does the
 * same, which also makes its check-then-write atomic for conditional requests.
 */
const writesInFlight = new Set<string>();

const isConditional = (conditions: WriteConditions) => conditions.ifMatch !== undefined || conditions.ifNoneMatch !== undefined;

/** ETags as S3 sends and accepts them: quoted; a bare value from a client is compared quoted. */
const quoted = (etag: string) => (etag.startsWith('"') || etag === '*' ? etag : `"${etag}"`);

/** Evaluates S3's preconditions on a write: undefined when the write may go ahead. */
function preconditionFailure(current: ObjectInfo | undefined, conditions: WriteConditions): WriteAnswer | undefined {
  if (conditions.ifNoneMatch !== undefined) {
    if (conditions.ifNoneMatch !== '*') {
      return { status: 501, headers: {}, error: { code: 'NotImplemented', message: 'If-None-Match accepts only *' } };
    }
    if (current) return preconditionFailed('If-None-Match');
  }
  if (conditions.ifMatch !== undefined) {
    if (!current) return { status: 404, headers: {}, error: { code: 'NoSuchKey', message: 'The specified key does not exist.' } };
    if (conditions.ifMatch !== '*' && quoted(conditions.ifMatch) !== current.etag) return preconditionFailed('If-Match');
  }
  return undefined;
}

function preconditionFailed(header: string): WriteAnswer {
  return {
    status: 412,
    headers: {},
    error: { code: 'PreconditionFailed', message: `At least one of the pre-conditions you specified did not hold (${header})` },
  };
}

function conflict(): WriteAnswer {
  return {
    status: 409,
    headers: {},
    error: {
      code: 'ConditionalRequestConflict',
      message: 'A conflicting operation occurred. If using PutObject you can retry the request.',
    },
  };
}

async function exclusively(path: string, conditions: WriteConditions, write: () => Promise<WriteAnswer>): Promise<WriteAnswer> {
  if (writesInFlight.has(path) && isConditional(conditions)) return conflict();
  writesInFlight.add(path);
  try {
    return await write();
  } finally {
    writesInFlight.delete(path);
  }
}

function objectPath(root: string, key: string): string | undefined {
  const parts = key.split('/');
  if (key === '' || key.endsWith(SIDECAR_SUFFIX) || parts.includes('..') || parts.includes('')) return undefined;
  return join(root, ...parts);
}

const invalidKey = (key: string): WriteAnswer => ({
  status: 400,
  headers: {},
  error: { code: 'InvalidArgument', message: `the fake cannot store key ${JSON.stringify(key)}` },
});

/** PutObject: writes the body (atomically, through a temporary file) unless a precondition fails. */
export async function putObject(root: string, key: string, body: Buffer, conditions: WriteConditions): Promise<WriteAnswer> {
  const path = objectPath(root, key);
  if (!path) return invalidKey(key);
  return exclusively(path, conditions, async () => {
    const failure = preconditionFailure(await objectInfo(root, key), conditions);
    if (failure) return failure;
    await mkdir(dirname(path), { recursive: true });
    const staging = `${path}.${randomUUID()}.tmp-put`;
    await writeFile(staging, body);
    await rename(staging, path);
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    // Seed the ETag cache: two same-size writes within one mtime tick must not share an ETag.
    const stats = await stat(path);
    etagCache.set(`${path}:${stats.size}:${stats.mtimeMs}`, etag);
    return { status: 200, headers: { etag } };
  });
}

/** DeleteObject: 204 whether or not the key existed, unless `If-Match` fails (412) or finds none (404). */
export async function deleteObject(root: string, key: string, conditions: WriteConditions): Promise<WriteAnswer> {
  const path = objectPath(root, key);
  if (!path) return invalidKey(key);
  return exclusively(path, conditions, async () => {
    const failure = preconditionFailure(await objectInfo(root, key), { ifMatch: conditions.ifMatch });
    if (failure) return failure;
    await rm(path, { force: true });
    await rm(`${path}${SIDECAR_SUFFIX}`, { force: true });
    return { status: 204, headers: {} };
  });
}

/** DeleteObjects (POST ?delete): each `<Object><Key>` (and optional `<ETag>`), answered per key. */
export async function deleteObjectsXml(root: string, requestXml: string): Promise<string> {
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(requestXml);
  const results: string[] = [];
  for (const [, object = ''] of requestXml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)) {
    const key = unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(object)?.[1] ?? '');
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(object)?.[1];
    const answer = await deleteObject(root, key, etag === undefined ? {} : { ifMatch: unescapeXml(etag) });
    if (answer.error) {
      results.push(
        `<Error>${element('Key', key)}${element('Code', answer.error.code)}${element('Message', answer.error.message)}</Error>`,
      );
    } else if (!quiet) {
      results.push(`<Deleted>${element('Key', key)}</Deleted>`);
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${results.join('')}</DeleteResult>`;
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/**
 * The payload of a PutObject: SDKs stream bodies as `aws-chunked` (hex size, CRLF, data, CRLF,
 * ..., a zero-size chunk, then checksum trailers) when they add a trailing checksum.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] as string, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

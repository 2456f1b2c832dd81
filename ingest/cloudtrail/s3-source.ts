/**
 * The org-trail bucket itself. Listing is narrowed by prefix — `AWSLogs/<org>/<account>/CloudTrail/
 * <region>/YYYY/MM/DD/` per account, region and day of the window — so a run lists only what it
 * needs; accounts and regions not given are discovered with delimiter listings. Objects are fetched
 * here (a few in flight) and their bytes handed to the workers.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  type ListObjectsV2CommandOutput,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { NETWORK_DEFAULTS } from '../../lib/config/schema.js';
import { CollectorError } from '../../lib/errors.js';
import { boundedPages } from '../aws/paging.js';
import type { ListingPlan, TrailObject, TrailSource } from './trail-source.js';

export interface S3Location {
  readonly bucket: string;
  /** Key prefix before `AWSLogs/`, empty or ending in `/`. */
  readonly prefix: string;
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new CollectorError(`not an s3:// URL: ${url}`, { context: { source: 'cloudtrail' } });
  const rest = (match[2] ?? '').replace(/^\/+/, '');
  return { bucket: match[1] as string, prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/` };
}

export interface S3SourceOptions {
  /** Fallback for `public-keys.json`: the CloudTrail ListPublicKeys bodies of the trail's regions. */
  readonly listPublicKeys?: () => Promise<unknown>;
  /** Pages one listing may take (network.max_pages): a bucket answering the same token forever ends the listing. */
  readonly maxPages?: number;
}

export function s3TrailSource(client: S3Client, location: S3Location, options: S3SourceOptions = {}): TrailSource {
  const { bucket, prefix } = location;
  const paging = { maxPages: options.maxPages ?? NETWORK_DEFAULTS.max_pages };
  const listing = (input: { Bucket: string; Prefix: string; Delimiter?: string }) =>
    boundedPages('ListObjectsV2', paginateListObjectsV2({ client }, input), paging, (page) => page.NextContinuationToken);
  const fullKey = (key: string) => `${prefix}${key}`;
  const fail = (what: string, key: string, cause: unknown) =>
    new CollectorError(`S3 ${what} failed for s3://${bucket}/${fullKey(key)}`, {
      cause,
      context: { source: 'cloudtrail', key: fullKey(key) },
      hint: 'check that the collector role may s3:ListBucket and s3:GetObject on the trail bucket',
    });

  async function childFolders(under: string): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const page of listing({ Bucket: bucket, Prefix: fullKey(under), Delimiter: '/' })) {
        for (const common of page.CommonPrefixes ?? []) {
          const name = (common.Prefix ?? '').slice(fullKey(under).length).replace(/\/$/, '');
          if (name) names.push(name);
        }
      }
    } catch (error) {
      throw fail('ListObjectsV2', under, error);
    }
    return names;
  }

  async function* objectsUnder(under: string): AsyncGenerator<TrailObject> {
    let pages: AsyncIterable<ListObjectsV2CommandOutput>;
    try {
      pages = listing({ Bucket: bucket, Prefix: fullKey(under) });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (!object.Key || object.Key.endsWith('/')) continue;
          yield { key: object.Key.slice(prefix.length), size: object.Size ?? 0, version: object.ETag ?? '' };
        }
      }
    } catch (error) {
      if (error instanceof CollectorError) throw error;
      throw fail('ListObjectsV2', under, error);
    }
  }

  async function head(key: string) {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === 'NotFound') return null;
      throw fail('HeadObject', key, error);
    }
  }

  async function read(key: string): Promise<Uint8Array | null> {
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === 'NoSuchKey') return null;
      throw fail('GetObject', key, error);
    }
  }

  return {
    location: `s3://${bucket}/${prefix}`,
    async *list(plan: ListingPlan, folder) {
      for (const top of await childFolders('AWSLogs/')) {
        const accountsPrefix = top.startsWith('o-') ? `AWSLogs/${top}/` : 'AWSLogs/';
        const accounts = top.startsWith('o-') ? await childFolders(accountsPrefix) : [top];
        for (const account of accounts) {
          if (!/^\d{12}$/.test(account) || (plan.accounts && !plan.accounts.includes(account))) continue;
          const base = `${accountsPrefix}${account}/${folder}/`;
          // Few trails have Insights: one listing finds its regions, rather than one per region and day.
          const regions =
            plan.regions && folder !== 'CloudTrail-Insight'
              ? plan.regions
              : (await childFolders(base)).filter((region) => !plan.regions || plan.regions.includes(region));
          for (const region of regions) {
            if (plan.days) {
              for (const day of plan.days) yield* objectsUnder(`${base}${region}/${day.replaceAll('-', '/')}/`);
            } else {
              yield* objectsUnder(`${base}${region}/`);
            }
          }
        }
      }
    },
    async input(object) {
      const bytes = await read(object.key);
      if (bytes === null) throw fail('GetObject', object.key, new Error('the object disappeared after it was listed'));
      return { bytes };
    },
    read,
    async metadata(key) {
      return (await head(key))?.Metadata ?? {};
    },
    async exists(key) {
      return (await head(key)) !== null;
    },
    async publicKeys() {
      const saved = await read('public-keys.json');
      if (saved) return JSON.parse(Buffer.from(saved).toString('utf8'));
      return options.listPublicKeys ? options.listPublicKeys() : null;
    },
  };
}

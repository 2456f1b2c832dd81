/**
 * The sample organisation's recorded API responses (`sample-logs/api/manifest.json`, contract in
 * sample-logs/README.md): an index of entries, each one request shape and its pages of response
 * bodies. Pages are read lazily and kept, so a long test run parses each file once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectorError } from '../../../lib/errors.js';

export interface ManifestEntry {
  /** SDK client name: lakeformation, glue, athena, cost-explorer, organizations (cloudtrail allowed). */
  readonly service: string;
  readonly operation: string;
  readonly account: string;
  readonly region: string;
  /** Request parameters that select this entry (without paging tokens and MaxResults). */
  readonly request: Record<string, unknown>;
  /** Page files, relative to the folder that holds manifest.json. */
  readonly pages: readonly string[];
}

export type ResponseBody = Record<string, unknown>;

export interface SampleApiStore {
  readonly dir: string;
  readonly entries: readonly ManifestEntry[];
  readPage(path: string): Promise<ResponseBody>;
}

/** Accepts the folder that holds manifest.json, or a sample root whose `api/` holds it. */
export async function openSampleApiStore(dir: string): Promise<SampleApiStore> {
  const apiDir = await resolveApiDir(dir);
  const manifestPath = join(apiDir, 'manifest.json');
  let parsed: { entries?: ManifestEntry[] };
  try {
    parsed = JSON.parse(await readFile(manifestPath, 'utf8')) as { entries?: ManifestEntry[] };
  } catch (cause) {
    throw new CollectorError(`cannot read the API snapshot manifest ${manifestPath}`, {
      cause,
      context: { file: manifestPath },
      hint: 'point aws.snapshots at a folder holding manifest.json (the sample: sample-logs/api; npm run sample writes it)',
    });
  }
  if (!Array.isArray(parsed.entries)) {
    throw new CollectorError(`the API snapshot manifest ${manifestPath} has no "entries" list`, {
      context: { file: manifestPath },
    });
  }
  const pages = new Map<string, Promise<ResponseBody>>();
  return {
    dir: apiDir,
    entries: parsed.entries,
    readPage(path) {
      let page = pages.get(path);
      if (!page) {
        page = readPageFile(join(apiDir, path));
        pages.set(path, page);
      }
      return page;
    },
  };
}

async function resolveApiDir(dir: string): Promise<string> {
  try {
    await readFile(join(dir, 'manifest.json'));
    return dir;
  } catch {
    return join(dir, 'api');
  }
}

async function readPageFile(path: string): Promise<ResponseBody> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ResponseBody;
  } catch (cause) {
    throw new CollectorError(`cannot read the recorded API response ${path}`, { cause, context: { file: path } });
  }
}

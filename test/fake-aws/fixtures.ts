/**
 * Writes a small API-shaped sample (manifest.json + one file per page, the contract of
 * sample-logs/README.md) into a temp folder, for tests that need exact, known responses.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FixtureEntry {
  readonly service: string;
  readonly operation: string;
  readonly account: string;
  readonly region?: string;
  readonly request?: Record<string, unknown>;
  /** Response bodies; the paging token (NextToken / NextPageToken) is added to all but the last. */
  readonly pages: readonly Record<string, unknown>[];
}

export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `meshwatch-${label}-`));
}

/** Returns the sample root (its `api/manifest.json` holds the entries). */
export async function writeApiFixture(entries: readonly FixtureEntry[], root?: string): Promise<string> {
  const sampleDir = root ?? (await makeTempDir('api-fixture'));
  const manifest = { entries: [] as unknown[] };
  let serial = 0;
  for (const entry of entries) {
    serial += 1;
    const region = entry.region ?? 'us-east-1';
    const tokenKey = entry.service === 'cost-explorer' ? 'NextPageToken' : 'NextToken';
    const paths = entry.pages.map(
      (_page, index) => `${entry.service}/${entry.account}/${region}/${entry.operation}.${serial}.${index + 1}.json`,
    );
    for (const [index, page] of entry.pages.entries()) {
      const body =
        index < entry.pages.length - 1 ? { ...page, [tokenKey]: `${entry.operation}.${serial}.page-${index + 2}` } : page;
      const path = join(sampleDir, 'api', paths[index] as string);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, JSON.stringify(body));
    }
    manifest.entries.push({
      service: entry.service,
      operation: entry.operation,
      account: entry.account,
      region,
      request: entry.request ?? {},
      pages: paths,
    });
  }
  await mkdir(join(sampleDir, 'api'), { recursive: true });
  await writeFile(join(sampleDir, 'api', 'manifest.json'), JSON.stringify(manifest, null, 2));
  return sampleDir;
}

/**
 * Writes recorded API responses under `api/` and indexes them in `api/manifest.json`, exactly as
 * sample-logs/README.md specifies: one file per page, every page but the last carrying the paging
 * token whose value names the next page.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ManifestEntry {
  readonly service: string;
  readonly operation: string;
  readonly account: string;
  readonly region: string;
  readonly request: Record<string, unknown>;
  readonly pages: string[];
}

export class SnapshotWriter {
  readonly entries: ManifestEntry[] = [];
  bytes = 0;

  constructor(private readonly apiDir: string) {}

  /**
   * Splits `items` into pages of `pageSize` under `listKey`, adding `extra` to every page.
   * `discriminator` tells apart several recordings of one operation (e.g. per table).
   */
  paged(
    meta: {
      service: string;
      operation: string;
      account: string;
      region: string;
      request: Record<string, unknown>;
      discriminator?: string;
    },
    listKey: string,
    items: readonly unknown[],
    pageSize: number,
    extra: Record<string, unknown> = {},
    tokenKey = 'NextToken',
  ): void {
    const chunks: unknown[][] = [];
    for (let index = 0; index < items.length; index += pageSize) chunks.push(items.slice(index, index + pageSize));
    if (chunks.length === 0) chunks.push([]);
    const bodies = chunks.map((chunk) => ({ ...extra, [listKey]: chunk }) as Record<string, unknown>);
    this.pages(meta, bodies, tokenKey);
  }

  /** Writes the given page bodies, linking them with `tokenKey`. */
  pages(
    meta: {
      service: string;
      operation: string;
      account: string;
      region: string;
      request: Record<string, unknown>;
      discriminator?: string;
    },
    bodies: Record<string, unknown>[],
    tokenKey = 'NextToken',
  ): void {
    const stem = `${meta.service}/${meta.account}/${meta.region}/${meta.operation}${meta.discriminator ? `.${safe(meta.discriminator)}` : ''}`;
    const paths = bodies.map((_, index) => `${stem}.${index + 1}.json`);
    bodies.forEach((body, index) => {
      const next = paths[index + 1];
      const page = next ? { ...body, [tokenKey]: `${safe(meta.operation)}.page-${index + 2}.${tokenFor(stem)}` } : body;
      const path = join(this.apiDir, paths[index]!);
      mkdirSync(dirname(path), { recursive: true });
      const text = `${JSON.stringify(page)}\n`;
      writeFileSync(path, text);
      this.bytes += Buffer.byteLength(text);
    });
    this.entries.push({
      service: meta.service,
      operation: meta.operation,
      account: meta.account,
      region: meta.region,
      request: meta.request,
      pages: paths,
    });
  }

  writeManifest(): void {
    const text = `${JSON.stringify({ entries: this.entries }, null, 1)}\n`;
    writeFileSync(join(this.apiDir, 'manifest.json'), text);
    this.bytes += Buffer.byteLength(text);
  }
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function tokenFor(stem: string): string {
  return Buffer.from(stem).toString('base64url').slice(-24);
}

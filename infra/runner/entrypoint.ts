/**
 * The runner container's entry point (Dockerfile ENTRYPOINT): pulls the lake from S3
 * (MESHWATCH_LAKE_S3) into the --lake folder, runs meshwatch with the task's arguments, pushes
 * what changed back — also after a failed run, since every lake write is atomic and a partial run's
 * progress is worth keeping — and publishes the built dashboards (MESHWATCH_SITE_S3). Without the
 * variables it is just meshwatch.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { main as meshwatch } from '../../cli/main.js';
import { describeError } from '../../lib/errors.js';
import { pathExists } from '../../lib/lake/atomic.js';
import { pull, push, type SyncReport } from './lake-sync.js';
import { type ObjectStore, parseS3Url, s3ObjectStore } from './object-store.js';

/** The --lake value the task passes (see infra/stacks/pipeline-stack.ts), else the image default. */
export function lakeDirFrom(args: readonly string[], fallback = '/lake'): string {
  const index = args.indexOf('--lake');
  const inline = args.find((arg) => arg.startsWith('--lake='));
  return resolve(inline ? inline.slice('--lake='.length) : index >= 0 ? (args[index + 1] ?? fallback) : fallback);
}

const describe = (what: string, report: SyncReport) =>
  `${what}: ${report.copy.length} copied, ${report.remove.length} removed, ${report.unchanged} unchanged` +
  (report.refused.length > 0
    ? `; ${report.refused.length} REFUSED (path outside the lake): ${report.refused.map((entry) => `${entry.key} (${entry.reason})`).join(', ')}`
    : '');

export interface RunnerEnvironment {
  /** MESHWATCH_LAKE_S3: where the lake lives between runs. */
  readonly lakeUrl?: string;
  /** MESHWATCH_SITE_S3: where the built dashboards are served from. */
  readonly siteUrl?: string;
  /** Opens the store behind a URL (S3 in the container; a folder in tests). */
  readonly storeFor: (url: string) => ObjectStore;
  readonly report: (line: string) => void;
}

/** Pull the lake, run meshwatch with `args`, push the lake and the site; returns meshwatch's exit code. */
export async function runWithLake(args: string[], env: RunnerEnvironment): Promise<number> {
  const lakeDir = lakeDirFrom(args);
  const lake = env.lakeUrl ? env.storeFor(env.lakeUrl) : undefined;
  if (lake) env.report(describe(`lake ${lake.location} → ${lakeDir}`, await pull(lake, lakeDir)));
  // main() takes a full argv, as process.argv is: node, script, then the arguments.
  const code = await meshwatch([process.execPath, 'meshwatch', ...args]);
  if (lake) env.report(describe(`lake ${lakeDir} → ${lake.location}`, await push(lake, lakeDir)));
  const siteDir = join(lakeDir, 'site');
  if (env.siteUrl && (await pathExists(siteDir))) {
    const site = env.storeFor(env.siteUrl);
    env.report(describe(`dashboards ${siteDir} → ${site.location}`, await push(site, siteDir)));
  }
  return code;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s3 = new S3Client({});
  runWithLake(process.argv.slice(2), {
    lakeUrl: process.env.MESHWATCH_LAKE_S3,
    siteUrl: process.env.MESHWATCH_SITE_S3,
    storeFor: (url) => s3ObjectStore(s3, parseS3Url(url)),
    report: (line) => console.error(line),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(describeError(error));
      process.exitCode = 1;
    },
  );
}

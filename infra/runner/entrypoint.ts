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
import { parseS3Url, s3ObjectStore } from './object-store.js';

/** The --lake value the task passes (see infra/stacks/pipeline-stack.ts), else the image default. */
export function lakeDirFrom(args: readonly string[], fallback = '/lake'): string {
  const index = args.indexOf('--lake');
  const inline = args.find((arg) => arg.startsWith('--lake='));
  return resolve(inline ? inline.slice('--lake='.length) : index >= 0 ? (args[index + 1] ?? fallback) : fallback);
}

const describe = (what: string, report: SyncReport) =>
  `${what}: ${report.copy.length} copied, ${report.remove.length} removed, ${report.unchanged} unchanged`;

async function run(args: string[]): Promise<number> {
  const lakeUrl = process.env.MESHWATCH_LAKE_S3;
  const siteUrl = process.env.MESHWATCH_SITE_S3;
  const lakeDir = lakeDirFrom(args);
  const s3 = new S3Client({});
  const lake = lakeUrl ? s3ObjectStore(s3, parseS3Url(lakeUrl)) : undefined;
  if (lake) console.error(describe(`lake ${lake.location} → ${lakeDir}`, await pull(lake, lakeDir)));
  // main() takes a full argv, as process.argv is: node, script, then the arguments.
  const code = await meshwatch([process.execPath, 'meshwatch', ...args]);
  if (lake) console.error(describe(`lake ${lakeDir} → ${lake.location}`, await push(lake, lakeDir)));
  const siteDir = join(lakeDir, 'site');
  if (siteUrl && (await pathExists(siteDir))) {
    const site = s3ObjectStore(s3, parseS3Url(siteUrl));
    console.error(describe(`dashboards ${siteDir} → ${site.location}`, await push(site, siteDir)));
  }
  return code;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(describeError(error));
      process.exitCode = 1;
    },
  );
}

import type { Command } from 'commander';
import { buildDashboards } from '../../dashboards/build.js';
import { ensureCurrentSite } from '../../dashboards/current-site.js';
import { runDashboardsDev } from '../../dashboards/dev.js';
import { serveSite } from '../../dashboards/serve.js';
import { UsageError } from '../../lib/errors.js';
import { pathExists } from '../../lib/lake/atomic.js';
import { withLakeLock } from '../../lib/lake/lock.js';
import { ifStaleFromFlag } from '../../transforms/index.js';
import { contextFor } from '../context.js';
import { printStageResults } from '../summary.js';

interface ServeFlags {
  readonly port: string;
  readonly host: string;
  readonly transform: boolean;
  readonly allowHost: string[];
}

export function register(program: Command): void {
  const dashboards = program
    .command('dashboards')
    .description('the dashboards (Observable Framework): build the static site, preview it live, or serve it');

  dashboards
    .command('build')
    .description('build the site from the lake into <lake>/site/ (no network needed)')
    .option('--no-transform', 'refuse (exit 1) instead of rebuilding the marts when they are not current')
    .action(async (flags: { transform: boolean }, command: Command) => {
      const ctx = await contextFor(command);
      const built = await withLakeLock(ctx, 'dashboards build', () =>
        buildDashboards(ctx, { ifStale: ifStaleFromFlag(flags.transform) }),
      );
      await printStageResults(ctx, [built]);
    });

  dashboards
    .command('dev')
    .description('live preview of dashboards/src on 127.0.0.1, reading the lake')
    .option('-p, --port <port>', 'port to listen on', '3000')
    .option('--no-transform', 'refuse (exit 1) instead of rebuilding the marts when they are not current')
    .action(async (flags: { port: string; transform: boolean }, command: Command) => {
      const port = parsePort(flags.port);
      const ctx = await contextFor(command);
      const code = await runDashboardsDev(ctx, port, { ifStale: ifStaleFromFlag(flags.transform) });
      if (code) process.exitCode = code;
    });

  dashboards
    .command('serve')
    .description('serve the built site (<lake>/site/) on 127.0.0.1; put it behind authentication to share it')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--no-transform', 'refuse (exit 1) instead of rebuilding the marts and the site when they are not current')
    .option(
      '--allow-host <name>',
      'a Host name to answer besides localhost, 127.0.0.1, [::1] and --host (e.g. the name a proxy in front forwards); repeatable',
      (name: string, names: string[]) => [...names, name],
      [] as string[],
    )
    .action(async (flags: ServeFlags, command: Command) => {
      const port = parsePort(flags.port);
      const ctx = await contextFor(command);
      if (!(await pathExists(ctx.layout.siteDir))) {
        throw new UsageError(`no built site in ${ctx.layout.siteDir}`, { hint: 'run `meshwatch dashboards build` first' });
      }
      await ensureCurrentSite(ctx, { ifStale: ifStaleFromFlag(flags.transform) });
      const site = await serveSite(ctx.layout.siteDir, { host: flags.host, port, allowedHosts: flags.allowHost });
      ctx.logger.info(`dashboards: serving ${ctx.layout.siteDir} on ${site.url} (Ctrl-C stops it)`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await site.close();
    });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`invalid port "${text}"`, { hint: 'give a number from 0 to 65535, e.g. --port 8080' });
  }
  return port;
}

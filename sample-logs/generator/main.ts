/**
 * The sample organisation generator. `npm run sample` regenerates the committed NimbusCart sample
 * under sample-logs/; `npm run sample -- --days N --scale K --out DIR [--seed S]` writes a larger
 * organisation for benchmarks (and DIR/meshwatch.config.yaml pointing at it). Deterministic: the
 * same seed writes byte-identical files.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../../lib/errors.js';
import { writeAthena } from './api/athena.js';
import { writeCostExplorer } from './api/cost-explorer.js';
import { writeGlue } from './api/glue.js';
import { writeLakeFormation } from './api/lakeformation.js';
import { writeOrganizations } from './api/organizations.js';
import { SnapshotWriter } from './api/snapshot-writer.js';
import { lakeFormationRecords, settingsChangeEventId } from './cloudtrail/lake-formation-events.js';
import { type TrailPlants, writeTrail } from './cloudtrail/write-trail.js';
import { contracts } from './contracts.js';
import { terraformShow } from './declared.js';
import { planCosts } from './plan/costs.js';
import { planCatalogWrites } from './plan/glue.js';
import { planQueries } from './plan/queries.js';
import { DAY } from './time.js';
import { buildTruth } from './truth/build-truth.js';

export const DEFAULT_SEED = 20261031;
export const WINDOW_START = '2026-10-01T00:00:00Z';
export const DEFAULT_DAYS = 30;
/** Above this many planned accesses truth.json would be large: a summary is written instead. */
const FULL_TRUTH_LIMIT = 20_000;

export interface GenerateOptions {
  readonly outDir: string;
  readonly seed: number;
  readonly days: number;
  readonly scale: number;
}

export interface GenerateSummary {
  readonly objects: number;
  readonly events: number;
  readonly bytes: number;
  readonly queries: number;
  readonly truth: 'full' | 'summary';
}

/** Facts planted only in the default 30-day window (they name fixed days). */
function plantsFor(startMs: number, days: number, addendumEventId: string | null): TrailPlants {
  const endMs = startMs + days * DAY;
  const within = <T extends { day: string }>(plant: T): T | null => {
    const at = Date.parse(`${plant.day}T00:00:00Z`);
    return at >= startMs && at < endMs ? plant : null;
  };
  return {
    gap: within({ accountId: '322222222222', region: 'eu-west-1', day: '2026-10-27' }),
    truncated: within({ accountId: '411111111111', region: 'us-east-1', day: '2026-10-14' }),
    notJson: within({ accountId: '333333333333', region: 'eu-west-1', day: '2026-10-19' }),
    noRecords: within({ accountId: '344444444444', region: 'us-east-1', day: '2026-10-23' }),
    missingFields: within({ accountId: '311111111111', region: 'us-east-1', day: '2026-10-25' }),
    addendumEventId,
  };
}

function writeText(path: string, text: string): number {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

/** The generator replaces its output folders: refuse a folder that is clearly a project, not an output. */
function assertOutputFolder(outDir: string): void {
  if (outDir !== SAMPLE_DIR && existsSync(join(outDir, 'package.json'))) {
    throw new UsageError(`refusing to write the sample into ${outDir}: it holds a package.json`, {
      context: { file: outDir },
      hint: 'pass an empty or generated folder to --out, e.g. bench/data/<name>',
    });
  }
}

export function generate(options: GenerateOptions): GenerateSummary {
  assertOutputFolder(options.outDir);
  const startMs = Date.parse(WINDOW_START);
  const nowMs = startMs + options.days * DAY;
  for (const folder of ['cloudtrail', 'api', 'declared', 'contracts'])
    rmSync(join(options.outDir, folder), { recursive: true, force: true });
  const queries = planQueries({ seed: options.seed, startMs, days: options.days, scale: options.scale });
  const catalogWrites = planCatalogWrites({ seed: options.seed, startMs, endMs: nowMs });
  const lakeFormation = lakeFormationRecords(options.seed, startMs, nowMs);
  const addendumTarget = queries.find(
    (query) =>
      query.actor.kind === 'sso' && query.actor.user === 'alice.wong' && query.tables.some((t) => t.table === 'customers'),
  );
  const plants = plantsFor(
    startMs,
    options.days,
    addendumTarget?.accesses.find((access) => access.product.table === 'customers')?.eventId ?? null,
  );
  const trail = writeTrail({
    outDir: options.outDir,
    seed: options.seed,
    scale: options.scale,
    startMs,
    days: options.days,
    queries,
    catalogWrites,
    lakeFormation,
    plants,
  });
  const costs = planCosts(queries, { seed: options.seed, windowStartMs: startMs, windowEndMs: nowMs });
  const api = new SnapshotWriter(join(options.outDir, 'api'));
  writeOrganizations(api);
  writeLakeFormation(api, nowMs);
  writeGlue(api, catalogWrites, nowMs);
  writeAthena(api, queries);
  writeCostExplorer(api, costs);
  api.writeManifest();
  let bytes = trail.bytes + api.bytes;
  bytes += writeText(join(options.outDir, 'declared', 'terraform-show.json'), terraformShow());
  for (const contract of contracts(nowMs)) bytes += writeText(join(options.outDir, 'contracts', contract.path), contract.text);
  const accessCount = queries.reduce((sum, query) => sum + query.accesses.length, 0);
  const full = accessCount <= FULL_TRUTH_LIMIT;
  const truth = buildTruth({
    startMs,
    nowMs,
    queries,
    catalogWrites,
    lakeFormation,
    costs,
    trail,
    plants,
    settingsEventId: settingsChangeEventId(options.seed),
  });
  const body = full
    ? truth
    : { summary: true, window: truth.window, counts: truth.counts, note: 'truth.json is summarised above 20,000 accesses' };
  bytes += writeText(join(options.outDir, 'truth.json'), `${JSON.stringify(body, null, 1)}\n`);
  return { objects: trail.objects, events: trail.events, bytes, queries: queries.length, truth: full ? 'full' : 'summary' };
}

function benchConfig(days: number): string {
  const end = new Date(Date.parse(WINDOW_START) + days * DAY).toISOString().replace('.000Z', 'Z');
  return `# Generated by \`npm run sample\` for benchmarks; every path is relative to this file.
lake: ./lake
now: ${end}
regions: [us-east-1, eu-west-1]
organization:
  id: o-n1mbusc4rt
  accounts:
    - { id: "200000000001", name: nimbuscart-management, domain: platform, kind: management }
    - { id: "200000000002", name: nimbuscart-log-archive, domain: platform, kind: log-archive }
    - { id: "200000000003", name: nimbuscart-governance, domain: governance, kind: governance }
    - { id: "311111111111", name: sales-prod, domain: sales, kind: producer }
    - { id: "322222222222", name: marketing-prod, domain: marketing, kind: producer }
    - { id: "333333333333", name: supply-chain-prod, domain: supply-chain, kind: producer }
    - { id: "344444444444", name: finance-prod, domain: finance, kind: producer }
    - { id: "411111111111", name: analytics-prod, domain: analytics, kind: consumer }
    - { id: "422222222222", name: data-science-prod, domain: data-science, kind: consumer }
aws:
  mode: file
  snapshots: ./api
  roles: { collector: MeshwatchReadOnly }
sources:
  cloudtrail:
    path: ./cloudtrail
  lakeformation: {}
  glue: {}
  athena: {}
  cost_explorer: { tag_key: domain }
  organizations: {}
  declared_grants: { path: ./declared/terraform-show.json }
  contracts: { path: ./contracts }
`;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new InvalidArgumentError(`${name} must be a positive whole number, got "${value}"`);
    return parsed;
  };
}

const SAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function runCli(argv: readonly string[]): void {
  const program = new Command('sample')
    .description('Write the NimbusCart sample organisation (default: regenerate sample-logs/ in place).')
    .option('--days <n>', 'days of CloudTrail from 2026-10-01', positiveInt('--days'), DEFAULT_DAYS)
    .option('--scale <k>', 'multiplies people, queries and noise', positiveInt('--scale'), 1)
    .option('--out <dir>', 'output folder (default: sample-logs/)')
    .option('--seed <s>', 'PRNG seed', positiveInt('--seed'), DEFAULT_SEED)
    .action((flags: { days: number; scale: number; out?: string; seed: number }) => {
      const outDir = resolve(flags.out ?? SAMPLE_DIR);
      const summary = generate({ outDir, seed: flags.seed, days: flags.days, scale: flags.scale });
      if (flags.out !== undefined && outDir !== SAMPLE_DIR)
        writeText(join(outDir, 'meshwatch.config.yaml'), benchConfig(flags.days));
      const mb = (summary.bytes / 2 ** 20).toFixed(1);
      console.log(
        `sample: wrote ${summary.objects} CloudTrail objects, ${summary.events} events, ${summary.queries} queries, ${mb} MiB to ${relative(process.cwd(), outDir) || '.'} (truth: ${summary.truth})`,
      );
    });
  program.parse([...argv], { from: 'user' });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runCli(process.argv.slice(2));

/**
 * The static report bundle the publish stage writes each run: `lake/reports/<date>/` with a JSON
 * and a CSV file per report (pii-access, chargeback + matrix + focus, health, drift, coverage) and
 * `manifest.json` (generation time, lake, window, row counts). Dashboards and alerts read these
 * files. Files are staged under `_tmp` and renamed into place one by one, so a reader never sees a
 * half-written file; a report whose marts are missing is skipped with a note, not a failure.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunContext, StageResult } from '../lib/context.js';
import { ReportError } from '../lib/errors.js';
import { createStagingDir, pathExists, publishStagedFiles, writeFileAtomic } from '../lib/lake/atomic.js';
import type { Database } from '../lib/lake/duckdb.js';
import { formatRows } from '../lib/output/format.js';
import { parseWindow, type TimeWindow } from '../lib/time/window.js';
import { CHARGEBACK_MARTS, chargebackByDomain, chargebackFocus, chargebackMatrix } from './chargeback.js';
import { COVERAGE_MARTS, coverage } from './coverage.js';
import { DRIFT_MARTS, drift } from './drift.js';
import { HEALTH_MARTS, health, healthBreaches } from './health.js';
import { missingMartsOf } from './marts.js';
import { PII_ACCESS_MARTS, piiAccess } from './pii-access.js';
import { publishKey, recordPublished } from './publish-stamps.js';
import { isoInstant, type ReportSection } from './section.js';

/** The window the bundle covers: the 30 days before now, like the commands' default. */
export const BUNDLE_WINDOW = '30d';

export interface BundleFile {
  readonly report: string;
  readonly file: string;
  readonly rows: number;
}

export interface BundleManifest {
  readonly generated_at: string;
  readonly as_of: string;
  readonly lake: string;
  readonly window: { readonly since: string; readonly until: string };
  readonly files: readonly BundleFile[];
  readonly row_counts: Readonly<Record<string, number>>;
  readonly skipped: readonly { readonly report: string; readonly reason: string }[];
}

interface BundleReport {
  readonly name: string;
  readonly marts: readonly string[];
  /** The JSON document and the CSV files it writes (each CSV one section). */
  build(
    db: Database,
    window: TimeWindow,
  ): Promise<{ json: unknown; rows: number; csv: readonly { file: string; section: ReportSection }[] }>;
}

const single = (section: ReportSection, file: string) => ({
  json: JSON.parse(formatRows(section.rows, 'json', section.columns)),
  rows: section.rows.length,
  csv: [{ file, section }],
});

/** Every report of the bundle, in manifest order. Chargeback covers every month the marts hold. */
const BUNDLE_REPORTS: readonly BundleReport[] = [
  {
    name: 'pii-access',
    marts: PII_ACCESS_MARTS,
    async build(db, window) {
      const report = await piiAccess(db, { window });
      const sections = [report.byTable, report.byPerson, report.accesses];
      return {
        json: Object.fromEntries(
          sections.map((section) => [section.key, JSON.parse(formatRows(section.rows, 'json', section.columns))]),
        ),
        rows: report.accesses.rows.length,
        csv: [
          { file: 'pii-access.csv', section: report.accesses },
          { file: 'pii-access-by-table.csv', section: report.byTable },
          { file: 'pii-access-by-person.csv', section: report.byPerson },
        ],
      };
    },
  },
  { name: 'chargeback', marts: CHARGEBACK_MARTS, build: async (db) => single(await chargebackByDomain(db), 'chargeback.csv') },
  {
    name: 'chargeback-matrix',
    marts: CHARGEBACK_MARTS,
    build: async (db) => single(await chargebackMatrix(db), 'chargeback-matrix.csv'),
  },
  {
    name: 'chargeback-focus',
    marts: CHARGEBACK_MARTS,
    build: async (db) => single(await chargebackFocus(db), 'chargeback-focus.csv'),
  },
  { name: 'health', marts: HEALTH_MARTS, build: async (db, window) => single(await health(db, { window }), 'health.csv') },
  {
    name: 'health-breaches',
    marts: HEALTH_MARTS,
    build: async (db, window) => single(await healthBreaches(db, { window }), 'health-breaches.csv'),
  },
  { name: 'drift', marts: DRIFT_MARTS, build: async (db) => single(await drift(db), 'drift.csv') },
  { name: 'coverage', marts: COVERAGE_MARTS, build: async (db, window) => single(await coverage(db, window), 'coverage.csv') },
  {
    name: 'coverage-days',
    marts: COVERAGE_MARTS,
    build: async (db, window) => single(await coverage(db, window, 'day'), 'coverage-days.csv'),
  },
];

/** The bundle folder of a run: `<lake>/reports/<YYYY-MM-DD of ctx.now>`. */
export function bundleDir(ctx: RunContext): string {
  return join(ctx.layout.reportsDir, ctx.now.toISOString().slice(0, 10));
}

export async function writeReportBundle(ctx: RunContext): Promise<StageResult> {
  const stampKey = await publishKey(ctx, 'reports');
  const window = parseWindow({ since: BUNDLE_WINDOW }, ctx.now);
  const target = bundleDir(ctx);
  if (!(await pathExists(ctx.layout.databaseFile))) {
    return { stage: 'reports', outputs: [], notes: ['no DuckDB file in the lake yet: report bundle skipped'], warnings: 1 };
  }
  const staging = await createStagingDir(ctx.layout.tmpDir, 'reports');
  const files: BundleFile[] = [];
  const skipped: { report: string; reason: string }[] = [];
  const db = await ctx.openLakeDatabase({ readOnly: true });
  try {
    await db.run("SET TimeZone = 'UTC'");
    for (const report of BUNDLE_REPORTS) {
      const missing = await missingMartsOf(db, report.marts);
      if (missing.length > 0) {
        skipped.push({ report: report.name, reason: `missing mart(s): ${missing.join(', ')}` });
        continue;
      }
      files.push(...(await writeReport(report, db, window, staging)));
    }
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    throw new ReportError('the report bundle could not be written', { cause, context: { lake: ctx.layout.root } });
  } finally {
    db.close();
  }
  const manifest: BundleManifest = {
    generated_at: new Date().toISOString(),
    as_of: ctx.now.toISOString(),
    lake: ctx.layout.root,
    window: { since: window.since.toISOString(), until: window.until.toISOString() },
    files,
    row_counts: Object.fromEntries(files.filter((file) => file.file.endsWith('.json')).map((file) => [file.report, file.rows])),
    skipped,
  };
  await writeFileAtomic(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await publishStagedFiles(staging, target);
  await recordPublished(ctx, 'reports', stampKey, join(target, 'manifest.json'));
  return {
    stage: 'reports',
    outputs: files
      .filter((file) => file.file.endsWith('.json'))
      .map((file) => ({ name: `report ${file.report}`, rows: file.rows, path: join(target, file.file) })),
    notes: [
      `report bundle for ${isoInstant(window.since)} .. ${isoInstant(window.until)}: ${target}`,
      ...skipped.map((skip) => `report ${skip.report} skipped: ${skip.reason}`),
    ],
    warnings: skipped.length,
  };
}

async function writeReport(report: BundleReport, db: Database, window: TimeWindow, staging: string): Promise<BundleFile[]> {
  const built = await report.build(db, window);
  const jsonFile = `${report.name}.json`;
  await writeFileAtomic(join(staging, jsonFile), `${JSON.stringify(built.json)}\n`);
  const files: BundleFile[] = [{ report: report.name, file: jsonFile, rows: built.rows }];
  for (const { file, section } of built.csv) {
    await writeFileAtomic(join(staging, file), formatRows(section.rows, 'csv', section.columns));
    files.push({ report: report.name, file, rows: section.rows.length });
  }
  return files;
}

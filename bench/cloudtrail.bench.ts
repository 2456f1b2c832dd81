/**
 * CloudTrail ingest throughput: `meshwatch collect --source cloudtrail` (a child process, peak RSS
 * sampled from /proc) on the generated organisation's trail, against the bare DuckDB path on the
 * same objects in the same run — `read_json(…, columns = {Records: 'JSON[]'})` → unnest → zstd
 * Parquet, no normalising — a re-run with nothing new, and the floor of any JS path: gunzip +
 * JSON.parse alone.
 */
import { open, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { maximumObjectSizeFor } from '../ingest/cloudtrail/native-batch.js';
import { isObjectProblem, parseLogObject } from '../ingest/cloudtrail/parse-log-object.js';
import { listFiles } from '../lib/lake/atomic.js';
import { openDatabase, quoteLiteral } from '../lib/lake/duckdb.js';
import { type BenchContext, REPO_ROOT, runMeasured } from './run.js';

export const description = 'meshwatch collect --source cloudtrail vs bare DuckDB read_json → unnest → Parquet';

const BIN = join(REPO_ROOT, 'cli/bin/meshwatch.js');

export default async function cloudtrailBench(ctx: BenchContext): Promise<Record<string, number | string>> {
  const config = join(ctx.dataDir, 'meshwatch.config.yaml');
  ctx.log('  running meshwatch collect ...');

  const collect = ['--config', config, '--lake', ctx.lake, 'collect', '--source', 'cloudtrail'];
  const first = await runMeasured(process.execPath, [BIN, ...collect]);
  if (first.code !== 0) throw new Error(`meshwatch collect failed:\n${first.stderr}`);
  const records = Number(/read (\d+) records/.exec(first.stderr)?.[1] ?? Number.NaN);
  ctx.log(`  ${records} records in ${first.seconds.toFixed(1)} s; re-running with nothing new ...`);
  const rerun = await runMeasured(process.execPath, [BIN, ...collect]);

  const objects = await readableLogObjects(ctx.dataDir, ctx.lake);
  ctx.log(`  bare DuckDB path on the same ${objects.length} objects ...`);
  const bare = await bareDuckDb(objects, join(ctx.lake, '_bench_bare'));
  ctx.log('  gunzip + JSON.parse alone, one Node thread ...');
  const floor = await gunzipAndParse(objects);
  const meshwatchRate = records / first.seconds;
  const bareRate = bare.events / bare.seconds;
  return {
    objects: objects.length,
    events: records,
    meshwatch_s: round(first.seconds),
    meshwatch_events_per_s: Math.round(meshwatchRate),
    meshwatch_cpu_s: round(first.cpuSeconds),
    meshwatch_cpu_us_per_event: round((first.cpuSeconds * 1e6) / records),
    meshwatch_peak_rss_mb: first.peakRssMb,
    rerun_nothing_new_s: round(rerun.seconds),
    duckdb_bare_events: bare.events,
    duckdb_bare_s: round(bare.seconds),
    duckdb_bare_events_per_s: Math.round(bareRate),
    duckdb_bare_cpu_s: round(bare.cpuSeconds),
    duckdb_bare_cpu_us_per_event: round((bare.cpuSeconds * 1e6) / bare.events),
    ratio_meshwatch_to_bare: round(meshwatchRate / bareRate),
    node_gunzip_parse_us_per_event: round((floor.seconds * 1e6) / floor.events),
    node_gunzip_parse_events_per_s: Math.round(floor.events / floor.seconds),
  };
}

/**
 * What any JS ingest pays before it normalises or writes anything: gunzip and JSON.parse of every
 * object (parseLogObject, the JS path's own step, without hashing), one thread, reading excluded
 * (the issue measured 4.5 s for 1M events, ~220k/s). On two cores, twice this rate bounds a
 * pipeline that parses records in JS.
 */
async function gunzipAndParse(files: readonly string[]): Promise<{ events: number; seconds: number }> {
  let events = 0;
  let nanoseconds = 0n;
  for (const file of files) {
    const bytes = await readFile(file);
    const started = process.hrtime.bigint();
    const parsed = parseLogObject(bytes);
    nanoseconds += process.hrtime.bigint() - started;
    if (isObjectProblem(parsed)) throw new Error(`${file}: ${parsed.detail} (meshwatch read it, the floor cannot)`);
    events += parsed.records.length;
  }
  return { events, seconds: Number(nanoseconds) / 1e9 };
}

/**
 * Log objects of the trail minus those meshwatch quarantined whole (truncated gzip, not JSON, no
 * Records): they would stop DuckDB's reader, and a trail of any size may hold some.
 */
async function readableLogObjects(dataDir: string, lake: string): Promise<string[]> {
  const trail = join(dataDir, 'cloudtrail');
  const db = await openDatabase(':memory:');
  let rejected: Set<string>;
  try {
    const rows = await db.all<{ object_key: string }>(
      `SELECT object_key FROM read_parquet(${quoteLiteral(join(lake, 'cloudtrail_objects', '**', '*.parquet'))})
       WHERE status = 'quarantined'`,
    );
    rejected = new Set(rows.map((row) => row.object_key));
  } finally {
    db.close();
  }
  return (await listFiles(trail)).filter(
    (file) => file.endsWith('.json.gz') && file.includes('/CloudTrail/') && !rejected.has(relative(trail, file)),
  );
}

async function bareDuckDb(
  files: readonly string[],
  output: string,
): Promise<{ events: number; seconds: number; cpuSeconds: number }> {
  // Sized as meshwatch's own statement sizes it (a fixed 256 MiB made every object ~20% dearer),
  // so the baseline is what a careful DuckDB user gets, not a handicapped one.
  const maximumObjectSize = maximumObjectSizeFor(await largestUncompressedSize(files));
  const db = await openDatabase(':memory:', { threads: 2 });
  try {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    await db.run(
      `COPY (SELECT unnest(Records) AS record FROM read_json([${files.map(quoteLiteral).join(', ')}],
         columns = {Records: 'JSON[]'}, maximum_object_size = ${maximumObjectSize}))
       TO ${quoteLiteral(`${output}.parquet`)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const [row] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM read_parquet(${quoteLiteral(`${output}.parquet`)})`);
    return { events: Number(row?.n ?? 0), seconds, cpuSeconds };
  } finally {
    db.close();
  }
}

/** The largest uncompressed size among gzip files, from each one's trailer (ISIZE: the last 4 bytes). */
async function largestUncompressedSize(files: readonly string[]): Promise<number> {
  let largest = 0;
  const trailer = Buffer.alloc(4);
  for (const file of files) {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      await handle.read(trailer, 0, 4, size - 4);
      largest = Math.max(largest, trailer.readUInt32LE(0));
    } finally {
      await handle.close();
    }
  }
  return largest;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

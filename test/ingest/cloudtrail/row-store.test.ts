import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRecordProblem, normaliseRecord } from '../../../ingest/cloudtrail/normalise-record.js';
import { type RowSink, runObjectTask } from '../../../ingest/cloudtrail/object-task.js';
import { carefulValues } from '../../../ingest/cloudtrail/row-columns.js';
import { RowStore } from '../../../ingest/cloudtrail/row-store.js';
import { openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { record, tempDir } from './helpers.js';

const origin = {
  sourceObject: 'AWSLogs/o-x/311111111111/CloudTrail/us-east-1/2026/10/01/k.json.gz',
  deliveredAt: '2026-10-01 10:05:00',
  keyAccountId: '311111111111',
};

const RECORDS = [
  record({ eventID: 'plain', readOnly: 'false', addendum: { reason: 'DELIVERY_DELAY' } }),
  record({ eventID: 'nulls', requestParameters: null, responseElements: undefined, userIdentity: undefined }),
  record({ eventID: 'unicode', errorMessage: 'Zugriff verweigert – ü', resources: [{ ARN: 'arn:é' }] }),
  record({ eventID: 'fraction', eventTime: '2026-10-02T23:59:59.250Z', recipientAccountId: '322222222222' }),
  record({ eventID: 'float', additionalEventData: { bytesTransferredIn: 1.5, big: 1234567890123456 } }),
  record({ eventID: undefined }),
];

async function openStore(dir: string, maxRows = 1_000_000): Promise<RowStore> {
  return RowStore.open({ tempDir: join(dir, 'tmp'), memoryLimit: '128MB', maxRows, workerId: 3 });
}

async function readRows(out: string): Promise<Record<string, unknown>[]> {
  const db = await openDatabase(':memory:');
  try {
    return await db.all(
      `SELECT * REPLACE (CAST(event_time AS VARCHAR) AS event_time, CAST(event_date AS VARCHAR) AS event_date,
         CAST(delivered_at AS VARCHAR) AS delivered_at, CAST(request_parameters AS VARCHAR) AS request_parameters,
         CAST(additional_event_data AS VARCHAR) AS additional_event_data, CAST(resources AS VARCHAR) AS resources,
         CAST(response_elements AS VARCHAR) AS response_elements, CAST(record AS VARCHAR) AS record)
       FROM read_parquet(${quoteLiteral(`${out}/**/*.parquet`)}, hive_partitioning = true, hive_types_autocast = false,
         hive_types = {'event_date': DATE, 'account_id': VARCHAR})
       ORDER BY event_id`,
    );
  } finally {
    db.close();
  }
}

describe('RowStore', () => {
  it('writes fast rows (the object own bytes) exactly as careful rows, partitioned by event day and account', async () => {
    // Prepare: the worker path, and a control taking the careful path for every row.
    const dir = await tempDir('row-store');
    const fastOut = join(dir, 'fast');
    const carefulOut = join(dir, 'careful');
    await mkdir(fastOut);
    await mkdir(carefulOut);
    const worker = await openStore(join(dir, 'w'));
    const control = await openStore(join(dir, 'c'));
    const ways = { fast: 0, careful: 0 };
    const sink: RowSink = {
      addFast: (...args) => {
        ways.fast++;
        worker.addFast(...args);
      },
      addCareful: (...args) => {
        ways.careful++;
        worker.addCareful(...args);
      },
    };
    for (const input of RECORDS) {
      const row = normaliseRecord(input, origin);
      if (!isRecordProblem(row)) control.addCareful(0, carefulOut, carefulValues(row, JSON.stringify(input)));
    }
    // Act
    const result = await runObjectTask(
      { id: 1, origin, bytes: Buffer.from(JSON.stringify({ Records: RECORDS })), hash: false, batch: 0, outputDir: fastOut },
      sink,
    );
    const written = await worker.finish(0);
    await control.finish(0);
    worker.close();
    control.close();
    const rows = await readRows(fastOut);
    // Assess
    expect(result.rows).toBe(6);
    expect(result.quarantinedRecords).toEqual([]);
    expect(written).toBe(6);
    expect(ways).toEqual({ fast: 5, careful: 1 });
    // The same rows either way, the record without an eventID keyed by its content (event-key.ts) too.
    expect(rows).toEqual(await readRows(carefulOut));
    expect(rows.filter((row) => String(row.event_id).startsWith('sha256:'))).toHaveLength(1);
    const byId = Object.fromEntries(rows.map((row) => [row.event_id, row]));
    expect(byId.plain).toMatchObject({ read_only: false, addendum_reason: 'DELIVERY_DELAY', session_name: 'alice' });
    expect(byId.nulls).toMatchObject({ request_parameters: null, response_elements: null, principal_type: null });
    expect(byId.unicode).toMatchObject({ error_message: 'Zugriff verweigert – ü', resources: '[{"ARN":"arn:é"}]' });
    expect(byId.fraction).toMatchObject({
      event_time: '2026-10-02 23:59:59.25',
      event_date: '2026-10-02',
      account_id: '322222222222',
    });
    expect(JSON.parse(byId.float?.record as string)).toEqual(RECORDS[4]);
    expect(await readdir(join(fastOut, 'w3-0'))).toEqual(['event_date=2026-10-01', 'event_date=2026-10-02']);
  });

  it('writes a batch out early once it holds maxRows rows, and finishes with every row written', async () => {
    // Prepare
    const dir = await tempDir('row-store-early');
    const out = join(dir, 'out');
    await mkdir(out);
    const store = await openStore(dir, 3);
    const records = Array.from({ length: 7 }, (_, index) => record({ eventID: `e-${index}` }));
    // Act
    for (const [index, input] of records.entries()) {
      await runObjectTask(
        { id: index, origin, bytes: Buffer.from(JSON.stringify({ Records: [input] })), hash: false, batch: 4, outputDir: out },
        store,
      );
      await store.settle(4);
    }
    const written = await store.finish(4);
    store.close();
    // Assess
    expect(written).toBe(7);
    expect((await readdir(out)).sort()).toEqual(['w3-0', 'w3-1', 'w3-2']);
    expect((await readRows(out)).map((row) => row.event_id)).toEqual(records.map((input) => input.eventID));
  });
});

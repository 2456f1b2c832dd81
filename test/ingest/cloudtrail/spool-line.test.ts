import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_COLUMN_NAMES } from '../../../ingest/cloudtrail/columns.js';
import { type CloudtrailRow, isRecordProblem, normaliseRecord } from '../../../ingest/cloudtrail/normalise-record.js';
import { parseLogObject } from '../../../ingest/cloudtrail/parse-log-object.js';
import {
  recordSpans,
  type SpoolLines,
  type SpoolObject,
  spoolKey,
  spoolLines,
  spoolRowsQuery,
  TYPED_COLUMNS,
  typedValues,
} from '../../../ingest/cloudtrail/spool-line.js';
import { openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { record, tempDir } from './helpers.js';

const origin = {
  sourceObject: 'AWSLogs/o-x/311111111111/CloudTrail/us-east-1/2026/10/01/k.json.gz',
  deliveredAt: '2026-10-01 10:05:00',
  keyAccountId: '311111111111',
};

function spoolObjectOf(text: string): SpoolObject {
  const parsed = parseLogObject(Buffer.from(text));
  if ('reason' in parsed) throw new Error(parsed.detail);
  const rows = parsed.records.map((input) => {
    const row = normaliseRecord(input, origin);
    return isRecordProblem(row) ? null : row;
  });
  return { rows, records: parsed.records, text: parsed.text, onlyRecords: parsed.onlyRecords };
}

async function readBack(lines: SpoolLines[]): Promise<Record<string, unknown>[]> {
  const spool = join(await tempDir('spool-line'), 'spool.ndjson');
  await writeFile(spool, lines.map((line) => line.data.toString()).join(''));
  const db = await openDatabase(':memory:');
  try {
    return await db.all(
      `SELECT * REPLACE (CAST(event_time AS VARCHAR) AS event_time, CAST(event_date AS VARCHAR) AS event_date,
         CAST(delivered_at AS VARCHAR) AS delivered_at, CAST(request_parameters AS VARCHAR) AS request_parameters,
         CAST(resources AS VARCHAR) AS resources, CAST(record AS VARCHAR) AS record)
       FROM (${spoolRowsQuery(quoteLiteral(spool), Math.max(...lines.map((line) => line.maxLineBytes)))}) ORDER BY event_id`,
    );
  } finally {
    db.close();
  }
}

describe('typedValues', () => {
  it('lists the row values in TYPED_COLUMNS order under their spool keys', () => {
    const row = normaliseRecord(record({ readOnly: 'false', addendum: { reason: 'DELIVERY_DELAY' } }), origin) as CloudtrailRow;
    const typed = typedValues(row);
    expect(Object.keys(typed)).toEqual(TYPED_COLUMNS.map((_, index) => spoolKey(index)));
    expect(Object.values(typed)).toEqual(TYPED_COLUMNS.map((name) => row[name as keyof CloudtrailRow]));
  });
});

describe('spoolLine + spoolRowsQuery', () => {
  const records = [
    record({
      eventID: 'full',
      requestParameters: { databaseName: 'sales_db', limit: 5 },
      responseElements: null,
      resources: [{ ARN: 'arn:aws:glue:us-east-1:311111111111:table/sales_db/orders' }],
      readOnly: 'false',
    }),
    record({ eventID: undefined }),
    record({ eventID: 'bare', requestParameters: undefined, eventTime: '2026-10-01T23:59:59.250Z' }),
  ];

  it('reads the object back as dataset rows, quarantined records left out', async () => {
    // Prepare: one line reusing the object's own text, and the same object pretty-printed (re-serialised)
    const compact = spoolObjectOf(JSON.stringify({ Records: records }));
    const pretty = spoolObjectOf(JSON.stringify({ Records: records }, null, 2));
    // Act
    const reused = spoolLines(compact);
    const rows = await readBack([reused, spoolLines(pretty)]);
    // Assess
    expect(reused.data).toBeInstanceOf(Buffer);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(Object.keys(row)).toEqual(CLOUDTRAIL_COLUMN_NAMES);
    expect(rows[0]).toEqual(rows[1]);
    expect(rows[2]).toEqual(rows[3]);
    const [bare, , full] = rows;
    expect(full?.event_id).toBe('full');
    expect(full?.read_only).toBe(false);
    expect(full?.event_time).toBe('2026-10-01 10:00:00');
    expect(full?.source_object).toBe(origin.sourceObject);
    expect(full?.delivered_at).toBe(origin.deliveredAt);
    expect(JSON.parse(full?.request_parameters as string)).toEqual({ databaseName: 'sales_db', limit: 5 });
    expect(JSON.parse(full?.resources as string)).toEqual(records[0]?.resources);
    expect(full?.response_elements).toBeNull();
    expect(JSON.parse(full?.record as string)).toEqual(records[0]);
    expect(bare?.event_time).toBe('2026-10-01 23:59:59.25');
    expect(bare?.event_date).toBe('2026-10-01');
    expect(bare?.request_parameters).toBeNull();
    expect(bare?.tls_details).toBeNull();
  });

  it('re-serialises an object whose bytes are not valid UTF-8, so DuckDB can read it', async () => {
    // Prepare: a user agent with a stray 0xff byte (JSON.parse reads it as U+FFFD)
    const text = Buffer.concat([
      Buffer.from(JSON.stringify({ Records: [record({ userAgent: 'agent-X' })] }).split('X')[0] as string),
      Buffer.from([0xff]),
      Buffer.from(JSON.stringify({ Records: [record({ userAgent: 'agent-X' })] }).split('X')[1] as string),
    ]);
    const parsed = parseLogObject(text);
    if ('reason' in parsed) throw new Error(parsed.detail);
    const row = normaliseRecord(parsed.records[0], origin) as CloudtrailRow;
    // Act
    const lines = spoolLines({ rows: [row], records: parsed.records, text: parsed.text, onlyRecords: true });
    const rows = await readBack([lines]);
    // Assess
    expect(typeof lines.data).toBe('string');
    expect(rows.map((read) => read.user_agent)).toEqual(['agent-\ufffd']);
  });

  it('keeps a record byte for byte, whatever its spacing and escapes', async () => {
    // Prepare
    const tricky =
      '{"eventID":"t","eventTime":"2026-10-01T10:00:00Z","userAgent":"a \\"quoted\\" {agent} [x]\\\\","awsRegion":"us-east-1"}';
    const text = `{ "Records" : [ ${tricky} ,{"eventID":"u","eventTime":"2026-10-01T10:00:01Z","p":[{"a":"]"}]}] }`;
    const object = spoolObjectOf(text);
    // Act
    const spans = recordSpans(Buffer.from(text), 2);
    const rows = await readBack([spoolLines(object)]);
    // Assess
    expect(spans && Buffer.from(text).subarray(spans[0], spans[1]).toString()).toBe(tricky);
    expect(recordSpans(Buffer.from(text), 3)).toBeNull();
    expect(rows.map((row) => row.user_agent)).toEqual(['a "quoted" {agent} [x]\\', null]);
    expect(JSON.parse(rows[1]?.record as string)).toEqual({ eventID: 'u', eventTime: '2026-10-01T10:00:01Z', p: [{ a: ']' }] });
  });
});

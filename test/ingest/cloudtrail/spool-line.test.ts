import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOUDTRAIL_COLUMN_NAMES } from '../../../ingest/cloudtrail/columns.js';
import { EXTRACTED_COLUMNS, rowToJsonLine, SPOOL_KEYS, spoolRowsQuery } from '../../../ingest/cloudtrail/json-line.js';
import { type CloudtrailRow, isRecordProblem, normaliseRecord } from '../../../ingest/cloudtrail/normalise-record.js';
import { openDatabase, quoteLiteral } from '../../../lib/lake/duckdb.js';
import { record, tempDir } from './helpers.js';

const origin = {
  sourceObject: 'AWSLogs/o-x/311111111111/CloudTrail/us-east-1/2026/10/01/k.json.gz',
  deliveredAt: '2026-10-01 10:05:00',
  keyAccountId: '311111111111',
};

function rowOf(input: Record<string, unknown>): CloudtrailRow {
  const row = normaliseRecord(input, origin);
  if (isRecordProblem(row)) throw new Error(row.detail);
  return row;
}

describe('rowToJsonLine', () => {
  it('writes every column but the extracted payloads once, under its spool key', () => {
    // Prepare
    const row = rowOf(record({ requestParameters: { name: 'orders' }, tlsDetails: { tlsVersion: 'TLSv1.3' } }));
    // Act
    const line = JSON.parse(rowToJsonLine(row)) as Record<string, unknown>;
    // Assess
    const expected = Object.fromEntries(
      CLOUDTRAIL_COLUMN_NAMES.filter((name) => !EXTRACTED_COLUMNS.has(name)).map((name) => [
        SPOOL_KEYS.get(name),
        row[name as keyof CloudtrailRow],
      ]),
    );
    expect(line).toEqual(expected);
    expect(Object.keys(line)).toHaveLength(CLOUDTRAIL_COLUMN_NAMES.length - EXTRACTED_COLUMNS.size);
  });
});

describe('spoolRowsQuery', () => {
  it('reads spool lines back as the dataset columns, payloads taken from the record', async () => {
    // Prepare
    const full = rowOf(
      record({
        eventID: 'full',
        requestParameters: { databaseName: 'sales_db', limit: 5 },
        responseElements: null,
        resources: [{ ARN: 'arn:aws:glue:us-east-1:311111111111:table/sales_db/orders' }],
        readOnly: 'false',
      }),
    );
    const bare = rowOf(record({ eventID: 'bare', requestParameters: undefined, responseElements: undefined }));
    const spool = join(await tempDir('json-line'), 'spool.ndjson');
    await writeFile(spool, `${rowToJsonLine(full)}\n${rowToJsonLine(bare)}\n`);
    const db = await openDatabase(':memory:');
    // Act
    const rows = await db.all(
      `SELECT * REPLACE (CAST(event_time AS VARCHAR) AS event_time, CAST(event_date AS VARCHAR) AS event_date,
         CAST(delivered_at AS VARCHAR) AS delivered_at, CAST(request_parameters AS VARCHAR) AS request_parameters,
         CAST(resources AS VARCHAR) AS resources, CAST(record AS VARCHAR) AS record)
       FROM (${spoolRowsQuery(quoteLiteral(spool))}) ORDER BY event_id`,
    );
    db.close();
    // Assess
    expect(rows.map((row) => Object.keys(row))).toEqual([CLOUDTRAIL_COLUMN_NAMES, CLOUDTRAIL_COLUMN_NAMES]);
    const [bareRow, fullRow] = rows as Record<string, unknown>[];
    expect(fullRow?.event_id).toBe('full');
    expect(fullRow?.read_only).toBe(false);
    expect(fullRow?.event_time).toBe('2026-10-01 10:00:00');
    expect(JSON.parse(fullRow?.request_parameters as string)).toEqual({ databaseName: 'sales_db', limit: 5 });
    expect(JSON.parse(fullRow?.resources as string)).toEqual(full.resources);
    expect(fullRow?.response_elements).toBeNull();
    expect(JSON.parse(fullRow?.record as string)).toEqual(full.record);
    expect(bareRow?.request_parameters).toBeNull();
    expect(bareRow?.response_elements).toBeNull();
    expect(bareRow?.tls_details).toBeNull();
  });
});

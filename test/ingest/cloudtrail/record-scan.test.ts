import { describe, expect, it } from 'vitest';
import { PAYLOAD_KEYS, scanRecords } from '../../../ingest/cloudtrail/record-scan.js';
import { PAYLOAD_COLUMNS } from '../../../ingest/cloudtrail/row-columns.js';
import { record } from './helpers.js';

function scan(text: string, count: number) {
  const bytes = Buffer.from(text);
  const layout = scanRecords(bytes, count);
  return { bytes, layout };
}

/** Whether the one record of `{"Records": [<recordText>]}` is canonical. */
function canonical(recordText: string): boolean {
  const { layout } = scan(`{"Records":[${recordText}]}`, 1);
  if (!layout) throw new Error('not a log object');
  return layout.canonical[0] === 1;
}

describe('scanRecords', () => {
  it('finds each record and its payload values as byte ranges of the object', () => {
    // Prepare
    const records = [
      record({ eventID: 'a', resources: [{ ARN: 'arn:aws:glue:us-east-1:311111111111:table/d/t' }], tlsDetails: null }),
      record({ eventID: 'b', requestParameters: undefined, responseElements: { nested: { requestParameters: 1 } } }),
    ];
    const text = JSON.stringify({ Records: records });
    // Act
    const { bytes, layout } = scan(text, 2);
    // Assess
    expect(layout).not.toBeNull();
    records.forEach((input, n) => {
      const span = layout?.spans.subarray(2 * n, 2 * n + 2) as Int32Array;
      expect(bytes.toString('utf8', span[0], span[1])).toBe(JSON.stringify(input));
      PAYLOAD_KEYS.forEach((key, k) => {
        const at = (n * PAYLOAD_KEYS.length + k) * 2;
        const [start, end] = [layout?.payloads[at] as number, layout?.payloads[at + 1] as number];
        const value = (input as Record<string, unknown>)[key];
        if (value === undefined) expect(start).toBe(-1);
        else expect(bytes.toString('utf8', start, end)).toBe(JSON.stringify(value));
      });
      expect(layout?.canonical[n]).toBe(1);
    });
  });

  it('lists the payload keys in the order of the dataset payload columns', () => {
    expect(PAYLOAD_KEYS.map((key) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`))).toEqual(PAYLOAD_COLUMNS);
  });

  it('marks records DuckDB would write back differently as not canonical', () => {
    expect(canonical('{"eventID":"x","n":12,"neg":-3,"t":true,"s":"a\\"b\\\\c\\nd","u":"é"}')).toBe(true);
    expect(canonical('{"eventID": "x"}')).toBe(false);
    expect(canonical('{"n":1.5}')).toBe(false);
    expect(canonical('{"n":1e5}')).toBe(false);
    expect(canonical('{"n":1E5}')).toBe(false);
    expect(canonical('{"n":-0}')).toBe(false);
    expect(canonical('{"n":1234567890123456}')).toBe(false);
    expect(canonical('{"s":"\\u00e9"}')).toBe(false);
    expect(canonical('{"s":"a\\/b"}')).toBe(false);
    expect(canonical('{"m":{"1":"a","b":"c"}}')).toBe(false);
  });

  it('refuses anything but a Records array holding exactly the expected count of objects', () => {
    expect(scan('{"Records":[{"a":1},{"b":2}]}', 3).layout).toBeNull();
    expect(scan('{"Records":[{"a":1},{"b":2}]}', 1).layout).toBeNull();
    expect(scan('{"Other":[],"Records":[{"a":1}]}', 1).layout).toBeNull();
    expect(scan('{"Records":[{"a":1},"text"]}', 2).layout).toBeNull();
    expect(scan('{"Records":[{"a":"unterminated}]}', 1).layout).toBeNull();
    expect(scan(' { "Records" : [ ] } ', 0).layout?.spans.length).toBe(0);
  });
});

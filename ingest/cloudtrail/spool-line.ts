/**
 * One log object's normalised rows as one NDJSON spool line, and the SQL that turns spool lines
 * back into the dataset's columns.
 *
 *   {"o": source_object, "d": delivered_at, "m": [[typed columns of record 0], null, ...], "Records": [...]}
 *
 * Why this shape (measured, bench/RESULTS.md): serialising every record again in the workers
 * (JSON.stringify) and re-encoding it cost more than parsing. The line instead carries the
 * object's own `Records` text, copied byte for byte after the typed columns; DuckDB unnests `m`
 * and `Records` side by side, takes `record` and the six JSON payload columns from the record
 * itself, and drops the records the workers quarantined (their `m` entry is null). Only an object
 * that is not one line of exactly `{"Records": [...]}` has its records serialised again.
 */
import { CLOUDTRAIL_COLUMNS } from './columns.js';
import type { CloudtrailRow } from './normalise-record.js';

/** Payload columns DuckDB extracts from the record, with the record's key for each. */
export const EXTRACTED_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['request_parameters', 'requestParameters'],
  ['response_elements', 'responseElements'],
  ['additional_event_data', 'additionalEventData'],
  ['resources', 'resources'],
  ['service_event_details', 'serviceEventDetails'],
  ['tls_details', 'tlsDetails'],
]);

/** Columns that come from the object rather than from each record. */
const OBJECT_LEVEL: ReadonlyMap<string, string> = new Map([
  ['source_object', 'o'],
  ['delivered_at', 'd'],
]);

/** Columns carried per record in `m`, in the order of typedValues() (a test holds the two together). */
export const TYPED_COLUMNS: readonly string[] = CLOUDTRAIL_COLUMNS.map((column) => column.name).filter(
  (name) => name !== 'record' && !EXTRACTED_COLUMNS.has(name) && !OBJECT_LEVEL.has(name),
);

/** A row's typed values in TYPED_COLUMNS order; an array literal keeps JSON.stringify on its fast path. */
export function typedValues(row: CloudtrailRow): unknown[] {
  return [
    row.event_id,
    row.event_time,
    row.event_version,
    row.event_source,
    row.event_name,
    row.aws_region,
    row.recipient_account_id,
    row.source_ip,
    row.user_agent,
    row.error_code,
    row.error_message,
    row.read_only,
    row.event_type,
    row.management_event,
    row.event_category,
    row.shared_event_id,
    row.request_id,
    row.addendum_reason,
    row.principal_type,
    row.principal_arn,
    row.principal_id,
    row.principal_account_id,
    row.principal_user_name,
    row.access_key_id,
    row.session_issuer_type,
    row.session_issuer_arn,
    row.session_issuer_name,
    row.session_name,
    row.session_created_at,
    row.identity_center_user_id,
    row.identity_store_arn,
    row.invoked_by,
    row.mfa_authenticated,
    row.event_date,
    row.account_id,
  ];
}

export interface SpoolObject {
  readonly sourceObject: string;
  readonly deliveredAt: string | null;
  /** One entry per record, in order: its row, or null when the record was quarantined. */
  readonly rows: readonly (CloudtrailRow | null)[];
  readonly records: readonly unknown[];
  /** The uncompressed object, reused as is when it is one line of exactly `{"Records": [...]}`. */
  readonly text?: Buffer;
  readonly onlyRecords?: boolean;
}

const OPEN_BRACE = 0x7b;
const LF = 0x0a;
const CR = 0x0d;

/** The object's spool line, newline included, as the pieces to write in order. */
export function spoolLine(object: SpoolObject): (string | Buffer)[] {
  const typed = object.rows.map((row) => (row === null ? null : typedValues(row)));
  const head = `{"o":${JSON.stringify(object.sourceObject)},"d":${JSON.stringify(object.deliveredAt)},"m":${JSON.stringify(typed)},`;
  const { text } = object;
  if (text && object.onlyRecords && text[0] === OPEN_BRACE && text.indexOf(LF) < 0 && text.indexOf(CR) < 0) {
    return [head, text.subarray(1), '\n'];
  }
  return [head, `"Records":${JSON.stringify(object.records)}}\n`];
}

/**
 * `SELECT <every dataset column, in order> FROM <spool files>`. `maxLineBytes` bounds DuckDB's
 * reader (a line is a whole object).
 */
export function spoolRowsQuery(spoolFileList: string, maxLineBytes: number): string {
  const paths = [...EXTRACTED_COLUMNS.values()].map((key) => `'$.${key}'`).join(', ');
  const extracted = [...EXTRACTED_COLUMNS.keys()];
  const select = CLOUDTRAIL_COLUMNS.map((column) => {
    if (column.name === 'record') return 'record';
    const objectKey = OBJECT_LEVEL.get(column.name);
    const value =
      objectKey !== undefined
        ? objectKey
        : EXTRACTED_COLUMNS.has(column.name)
          ? `nullif(payloads[${extracted.indexOf(column.name) + 1}], 'null'::JSON)`
          : `typed[${TYPED_COLUMNS.indexOf(column.name) + 1}]`;
    return `${column.type === 'VARCHAR' || column.type === 'JSON' ? value : `CAST(${value} AS ${column.type})`} AS ${column.name}`;
  });
  return `SELECT ${select.join(', ')} FROM (
    SELECT *, json_extract(record, [${paths}]) AS payloads FROM (
      SELECT o, d, unnest(m) AS typed, unnest(Records) AS record
      FROM read_json(${spoolFileList}, format = 'newline_delimited', maximum_object_size = ${objectSizeLimit(maxLineBytes)},
        columns = {o: 'VARCHAR', d: 'VARCHAR', m: 'VARCHAR[][]', Records: 'JSON[]'})
    ) WHERE typed IS NOT NULL)`;
}

/** DuckDB's default (16 MB) unless a line is longer: then the next power of two above it. */
function objectSizeLimit(maxLineBytes: number): number {
  let limit = 16 * 1024 * 1024;
  while (limit <= maxLineBytes) limit *= 2;
  return limit;
}

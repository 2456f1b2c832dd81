/**
 * The key a row is de-duplicated on (`event_id`): the record's `eventID` — or, when it has none
 * (eventVersion 1.0 records, CloudTrail's first years) or only an empty or blank one, which is not
 * an id, `sha256:<hex>` of the record's JSON as the dataset stores it (the `record` column).
 *
 * The content key is computed in SQL, where each path turns its rows into the dataset's columns
 * (row-columns.ts for the JS path, native-batch-sql.ts for DuckDB's), from the very text written
 * to `record`: both paths store the same text for a record, so they give it the same key, and an
 * identical re-delivery of a record without an id is still a plain duplicate. The prefix keeps a
 * content key apart from every id CloudTrail writes (a UUID).
 */

export const CONTENT_KEY_PREFIX = 'sha256:';

/** Empty, or nothing but spaces, tabs and line breaks (the same class in JS and in DuckDB's RE2). */
const BLANK = /^[ \t\n\r]*$/;
const BLANK_SQL = '[ \\t\\n\\r]*';

/** The eventID when it is one, else null (the row is then keyed by its content in SQL). */
export function usableEventId(eventId: string | null): string | null {
  return eventId === null || BLANK.test(eventId) ? null : eventId;
}

/**
 * SQL for the row's key: `eventId` (an expression of the raw id, possibly NULL or blank) when it
 * is an id, else the content key of `recordText` (an expression of the stored record's text).
 */
export function eventKeySql(eventId: string, recordText: string): string {
  return `CASE WHEN ${eventId} IS NOT NULL AND NOT regexp_full_match(${eventId}, '${BLANK_SQL}') THEN ${eventId}
    ELSE '${CONTENT_KEY_PREFIX}' || sha256(${recordText}) END`;
}

/**
 * One way to talk to DuckDB for the whole project: open the lake's database file (or memory),
 * run parameterised SQL, and read rows back as plain JSON-friendly objects.
 * SQL is always built with `$name` parameters; identifiers go through `quoteIdentifier`.
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBResultReader, type DuckDBValue } from '@duckdb/node-api';
import { LakeError } from '../errors.js';

export type SqlParams = Record<string, string | number | boolean | bigint | null>;
export type Row = Record<string, unknown>;

export interface Database {
  readonly connection: DuckDBConnection;
  readonly path: string;
  /** Runs a statement (or several separated by `;`) and discards any result. */
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Runs a query and returns its rows as JSON-friendly objects (see `toPlainValue`). */
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  close(): void;
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  /** DuckDB memory_limit, e.g. '1GB'; keeps large runs within the machine's budget. */
  readonly memoryLimit?: string;
  readonly threads?: number;
}

export async function openDatabase(path = ':memory:', options: OpenOptions = {}): Promise<Database> {
  const settings: Record<string, string> = {};
  if (options.readOnly) settings.access_mode = 'READ_ONLY';
  if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
  if (options.threads) settings.threads = String(options.threads);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, settings);
  } catch (cause) {
    throw new LakeError(`cannot open the DuckDB database ${path}`, {
      cause,
      context: { file: path },
      hint: 'another meshwatch process may hold it open; wait for it to finish, or point --lake elsewhere',
    });
  }
  const connection = await instance.connect();
  return {
    connection,
    path,
    async run(sql, params) {
      await execute(connection, sql, params);
    },
    async all<T extends Row = Row>(sql: string, params?: SqlParams) {
      return rowsOf<T>(await execute(connection, sql, params));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A finished result's rows as JSON-friendly objects (see `toPlainValue`), in column order. */
export function rowsOf<T extends Row = Row>(reader: DuckDBResultReader): T[] {
  const types = reader.columnTypes().map((type) => type.typeId);
  const names = reader.columnNames();
  return reader.getRows().map((values) => {
    const row: Row = {};
    values.forEach((value, index) => {
      row[names[index] as string] = toPlainValue(value, types[index]);
    });
    return row as T;
  });
}

/**
 * The rows of a query, as `Database.all` returns them (same values, same `toPlainValue`
 * conversion), read column by column: for results of tens of thousands of rows this is about
 * twice as fast, because the driver's row-wise read builds an array per row and every value goes
 * through the generic conversion, while strings, numbers and booleans need none.
 */
export async function allByColumns<T extends Row = Row>(db: Database, sql: string, params?: SqlParams): Promise<T[]> {
  const reader = await execute(db.connection, sql, params);
  const names = reader.columnNames();
  const types = reader.columnTypes().map((type) => type.typeId);
  const columns = reader.getColumns();
  const count = columns[0]?.length ?? 0;
  const rows: Row[] = new Array(count);
  for (let index = 0; index < count; index++) rows[index] = {};
  columns.forEach((values, column) => {
    const name = names[column] as string;
    const typeId = types[column];
    for (let index = 0; index < count; index++) {
      const value = values[index];
      (rows[index] as Row)[name] =
        value === null || value === undefined
          ? null
          : typeof value === 'object' || typeof value === 'bigint'
            ? toPlainValue(value, typeId)
            : value;
    }
  });
  return rows as T[];
}

async function execute(connection: DuckDBConnection, sql: string, params?: SqlParams) {
  try {
    return await connection.runAndReadAll(sql, params as Record<string, DuckDBValue> | undefined);
  } catch (cause) {
    throw new LakeError(`query failed: ${(cause as Error).message}`, {
      cause,
      context: { sql: sql.length > 300 ? `${sql.slice(0, 300)}…` : sql },
    });
  }
}

/** DuckDB type ids (DuckDBTypeId) whose JS value is a Date that should print as a calendar day. */
const DATE_TYPE_ID = 13;

/**
 * Converts a DuckDB value to something JSON.stringify prints faithfully: integers that fit stay
 * numbers (larger ones become strings rather than losing digits), decimals become numbers,
 * timestamps become ISO strings, dates `YYYY-MM-DD`, lists and structs plain arrays and objects.
 */
export function toPlainValue(value: DuckDBValue, typeId?: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value !== 'object') return value;
  const converted = convertObject(value);
  if (converted instanceof Date) {
    const iso = converted.toISOString();
    return typeId === DATE_TYPE_ID ? iso.slice(0, 10) : iso;
  }
  return converted;
}

function convertObject(value: object): unknown {
  const candidate = value as { toDouble?: () => number; items?: DuckDBValue[]; entries?: unknown };
  // Intervals (months, days, micros) print as DuckDB writes them, e.g. "1 day 02:00:00".
  if ('months' in value) return String(value);
  if ('micros' in value || 'millis' in value || 'nanos' in value || 'seconds' in value || 'days' in value) {
    return dateFromDuckDb(value);
  }
  if (typeof candidate.toDouble === 'function') return candidate.toDouble();
  if (Array.isArray(candidate.items)) return candidate.items.map((item) => toPlainValue(item));
  if (candidate.entries && typeof candidate.entries === 'object') {
    if (Array.isArray(candidate.entries)) {
      // MAP values: an array of { key, value } pairs.
      return Object.fromEntries(
        (candidate.entries as { key: DuckDBValue; value: DuckDBValue }[]).map((entry) => [
          String(toPlainValue(entry.key)),
          toPlainValue(entry.value),
        ]),
      );
    }
    return Object.fromEntries(
      Object.entries(candidate.entries as Record<string, DuckDBValue>).map(([key, item]) => [key, toPlainValue(item)]),
    );
  }
  return String(value);
}

function dateFromDuckDb(value: object): Date | string {
  const record = value as Record<string, bigint | number>;
  if ('micros' in record) return new Date(Number(BigInt(record.micros as bigint) / 1000n));
  if ('millis' in record) return new Date(Number(record.millis));
  if ('nanos' in record) return new Date(Number(BigInt(record.nanos as bigint) / 1_000_000n));
  if ('seconds' in record) return new Date(Number(record.seconds) * 1000);
  if ('days' in record) return new Date(Number(record.days) * 86_400_000);
  return String(value);
}

/** Strict identifier check for names that reach SQL text (table, view, column names). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function assertIdentifier(name: string, what = 'identifier'): string {
  if (!IDENTIFIER.test(name)) {
    throw new LakeError(`invalid ${what} "${name}"`, {
      hint: 'names may hold only letters, digits and underscores, and must not start with a digit',
    });
  }
  return name;
}

export function quoteIdentifier(name: string, what?: string): string {
  return `"${assertIdentifier(name, what)}"`;
}

/** Quotes a string literal for the few places DuckDB takes no parameter (file paths in COPY, views). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

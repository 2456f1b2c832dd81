/**
 * Rows out, in the three formats every command takes: an aligned table for people, JSON and CSV
 * (RFC 4180) for scripts. JSON and CSV keep column order and are stable across runs.
 */
import { extname } from 'node:path';
import { UsageError } from '../errors.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type OutputRow = Record<string, unknown>;

export interface ColumnSpec {
  readonly name: string;
  /** Header shown in tables; defaults to the name. */
  readonly title?: string;
  /** How a value prints in a table (units, rounding); JSON and CSV keep the raw value. */
  readonly display?: (value: unknown) => string;
  readonly align?: 'left' | 'right';
}

/** The format a file name asks for by its extension (`--out report.csv` without --format). */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, OutputFormat>> = { '.csv': 'csv', '.json': 'json', '.txt': 'table' };

/**
 * The --format to use: the one given; else, with --out, the one the file's extension names (a
 * file's format must not depend on whether a terminal is attached); else table on a terminal and
 * JSON when piped.
 */
export function parseOutputFormat(text: string | undefined, allowed: readonly string[] = OUTPUT_FORMATS, out?: string): string {
  const format = text ?? (out ? formatOfFile(out, allowed) : process.stdout.isTTY ? 'table' : 'json');
  if (!allowed.includes(format)) {
    throw new UsageError(`unknown format "${format}"`, { hint: `use --format ${allowed.join('|')}` });
  }
  return format;
}

function formatOfFile(out: string, allowed: readonly string[]): string {
  const format = FORMAT_BY_EXTENSION[extname(out).toLowerCase()];
  if (format === undefined || !allowed.includes(format)) {
    const extensions = Object.entries(FORMAT_BY_EXTENSION)
      .filter(([, name]) => allowed.includes(name))
      .map(([extension, name]) => `${extension} for ${name}`);
    throw new UsageError(`cannot tell the format of ${out} from its extension`, {
      context: { file: out },
      hint: `name the file with ${extensions.join(', ')}, or give --format ${allowed.join('|')}`,
    });
  }
  return format;
}

export function formatRows(rows: readonly OutputRow[], format: OutputFormat, columns?: readonly ColumnSpec[]): string {
  const specs = columns ?? inferColumns(rows);
  if (format === 'json')
    return `${JSON.stringify(
      rows.map((row) => pick(row, specs)),
      jsonReplacer,
    )}\n`;
  if (format === 'csv') return toCsv(rows, specs);
  return toTable(rows, specs);
}

function inferColumns(rows: readonly OutputRow[]): ColumnSpec[] {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  return [...names].map((name) => ({ name }));
}

function pick(row: OutputRow, specs: readonly ColumnSpec[]): OutputRow {
  return Object.fromEntries(specs.map((spec) => [spec.name, row[spec.name] ?? null]));
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, jsonReplacer);
  return String(value);
}

export function toCsv(rows: readonly OutputRow[], specs: readonly ColumnSpec[]): string {
  const quote = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [specs.map((spec) => quote(spec.name)).join(',')];
  for (const row of rows) lines.push(specs.map((spec) => quote(plainText(row[spec.name]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function isNumericColumn(rows: readonly OutputRow[], name: string): boolean {
  const values = rows.map((row) => row[name]).filter((value) => value !== null && value !== undefined);
  return values.length > 0 && values.every((value) => typeof value === 'number');
}

function toTable(rows: readonly OutputRow[], specs: readonly ColumnSpec[]): string {
  const cell = (spec: ColumnSpec, row: OutputRow) => {
    const text = spec.display ? spec.display(row[spec.name]) : plainText(row[spec.name]);
    // One line per row: newlines in query text would break the alignment.
    return text.replace(/\s*[\r\n]+\s*/g, ' ');
  };
  const header = specs.map((spec) => spec.title ?? spec.name);
  const body = rows.map((row) => specs.map((spec) => cell(spec, row)));
  // A loop, not Math.max(...rows): spreading 100k+ rows into one call overflows the stack.
  const widths = header.map((title) => title.length);
  for (const cells of body) {
    for (const [index, text] of cells.entries()) widths[index] = Math.max(widths[index] ?? 0, text.length);
  }
  const isRight = specs.map((spec) => spec.align === 'right' || (spec.align === undefined && isNumericColumn(rows, spec.name)));
  const line = (cells: string[]) =>
    cells
      .map((text, index) => (isRight[index] ? text.padStart(widths[index] as number) : text.padEnd(widths[index] as number)))
      .join('  ')
      .trimEnd();
  return `${[line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...body.map(line)].join('\n')}\n`;
}

// --- Display helpers for table cells: units for people; JSON and CSV keep the raw values. ------

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

function asNumber(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** 1536 → "1.5 KiB"; binary units, one decimal above bytes. */
export function formatBytes(value: unknown): string {
  let amount = asNumber(value);
  if (amount === undefined) return '';
  let unit = 0;
  while (Math.abs(amount) >= 1024 && unit < BYTE_UNITS.length - 1) {
    amount /= 1024;
    unit++;
  }
  return unit === 0 ? `${amount} B` : `${amount.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** 1234.5 → "$1,234.50": always two decimals, thousands separated. */
export function formatUsd(value: unknown): string {
  const amount = asNumber(value);
  if (amount === undefined) return '';
  const text = Math.abs(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${amount < 0 && text !== '0.00' ? '-' : ''}$${text}`;
}

/** A signed USD change: "+$12.00" / "-$3.50". */
export function formatUsdChange(value: unknown): string {
  const amount = asNumber(value);
  if (amount === undefined) return '';
  return amount > 0 ? `+${formatUsd(amount)}` : formatUsd(amount);
}

/** 26.25 → "26.3 h". */
export function formatHours(value: unknown): string {
  const hours = asNumber(value);
  return hours === undefined ? '' : `${hours.toFixed(1)} h`;
}

/** A ratio 0.934 → "93.4%". */
export function formatRatio(value: unknown): string {
  const ratio = asNumber(value);
  return ratio === undefined ? '' : `${(ratio * 100).toFixed(1)}%`;
}

/** A percentage already in percent, signed: 12.5 → "+12.5%". */
export function formatPercentChange(value: unknown): string {
  const percent = asNumber(value);
  if (percent === undefined) return '';
  return `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/** An ISO timestamp shortened for a table: "2026-10-03 14:05:09Z". */
export function formatTimestamp(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(text);
  return match ? `${match[1]} ${match[2]}Z` : text;
}

/** A list (array) as "a, b, c". */
export function formatList(value: unknown): string {
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? value.map((item) => String(item)).join(', ') : String(value);
}

/**
 * Rows out, in the three formats every command takes: an aligned table for people, JSON and CSV
 * (RFC 4180) for scripts. JSON and CSV keep column order and are stable across runs.
 */
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

export function parseOutputFormat(text: string | undefined, allowed: readonly string[] = OUTPUT_FORMATS): string {
  const format = text ?? (process.stdout.isTTY ? 'table' : 'json');
  if (!allowed.includes(format)) {
    throw new UsageError(`unknown format "${format}"`, { hint: `use --format ${allowed.join('|')}` });
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
  const widths = header.map((title, index) => Math.max(title.length, ...body.map((cells) => (cells[index] as string).length)));
  const isRight = specs.map((spec) => spec.align === 'right' || (spec.align === undefined && isNumericColumn(rows, spec.name)));
  const line = (cells: string[]) =>
    cells
      .map((text, index) => (isRight[index] ? text.padStart(widths[index] as number) : text.padEnd(widths[index] as number)))
      .join('  ')
      .trimEnd();
  return `${[line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...body.map(line)].join('\n')}\n`;
}

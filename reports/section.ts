/**
 * A report answer is one or more sections: rows, the columns in their fixed order (with how each
 * prints in a table), and the sentence to print when there are no rows. `renderSections` turns
 * them into the three output formats.
 */
import { UsageError } from '../lib/errors.js';
import { type ColumnSpec, formatRows, type OutputFormat, type OutputRow } from '../lib/output/format.js';

export interface ReportSection {
  /** Key of the section in JSON output and in the bundle file names, e.g. `by_table`. */
  readonly key: string;
  /** Heading printed above the section in table output when there are several. */
  readonly title: string;
  readonly rows: readonly OutputRow[];
  readonly columns: readonly ColumnSpec[];
  /** Names of the columns a table shows when the full set is too wide to read (JSON and CSV keep all). */
  readonly tableColumns?: readonly string[];
  /** Printed instead of an empty table, e.g. "no accesses to sales_db.x between … and …". */
  readonly empty: string;
}

/**
 * json: one section is an array; several are an object keyed by section. csv: exactly one section
 * (a header even when empty). table: aligned tables with units, titled when there are several.
 */
export function renderSections(sections: readonly ReportSection[], format: OutputFormat): string {
  if (format === 'json') {
    if (sections.length === 1)
      return formatRows((sections[0] as ReportSection).rows, 'json', (sections[0] as ReportSection).columns);
    const object = Object.fromEntries(
      sections.map((section) => [section.key, JSON.parse(formatRows(section.rows, 'json', section.columns))]),
    );
    return `${JSON.stringify(object)}\n`;
  }
  if (format === 'csv') {
    if (sections.length !== 1) {
      throw new UsageError('CSV holds one table; this report has several', {
        hint: 'choose one with --by, or use --format json',
      });
    }
    return formatRows((sections[0] as ReportSection).rows, 'csv', (sections[0] as ReportSection).columns);
  }
  return sections
    .map((section) => {
      const body = section.rows.length === 0 ? `${section.empty}\n` : formatRows(section.rows, 'table', tableColumnsOf(section));
      return sections.length > 1 ? `${section.title}\n${body}` : body;
    })
    .join('\n');
}

function tableColumnsOf(section: ReportSection): readonly ColumnSpec[] {
  const shown = section.tableColumns;
  return shown ? section.columns.filter((column) => shown.includes(column.name)) : section.columns;
}

/** "2026-10-01T00:00:00Z": instants in messages, without milliseconds. */
export function isoInstant(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

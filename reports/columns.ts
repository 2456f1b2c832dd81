/** Column specs shared by several reports, so a column prints the same way everywhere. */
import {
  type ColumnSpec,
  formatBytes,
  formatHours,
  formatList,
  formatPercentChange,
  formatRatio,
  formatTimestamp,
  formatUsd,
  formatUsdChange,
} from '../lib/output/format.js';

export const timestampColumn = (name: string, title?: string): ColumnSpec => ({
  name,
  title: title ?? name,
  display: formatTimestamp,
});
export const bytesColumn = (name: string, title?: string): ColumnSpec => ({
  name,
  title: title ?? name,
  display: formatBytes,
  align: 'right',
});
export const usdColumn = (name: string, title?: string): ColumnSpec => ({
  name,
  title: title ?? name,
  display: formatUsd,
  align: 'right',
});
export const usdChangeColumn = (name: string, title?: string): ColumnSpec => ({
  name,
  title: title ?? name,
  display: formatUsdChange,
  align: 'right',
});
export const percentChangeColumn = (name: string, title?: string): ColumnSpec => ({
  name,
  title: title ?? name,
  display: formatPercentChange,
  align: 'right',
});
export const hoursColumn = (name: string, title?: string): ColumnSpec => ({
  name,
  title: title ?? name,
  display: formatHours,
  align: 'right',
});
export const ratioColumn = (name: string, title?: string): ColumnSpec => ({
  name,
  title: title ?? name,
  display: formatRatio,
  align: 'right',
});
export const listColumn = (name: string, title?: string): ColumnSpec => ({ name, title: title ?? name, display: formatList });
export const textColumn = (name: string, title?: string): ColumnSpec => ({ name, title: title ?? name });

/** Query text in a table: one line, cut to a readable length (JSON and CSV keep it whole). */
export const queryColumn = (name: string, width = 60): ColumnSpec => ({
  name,
  display: (value) => {
    if (value === null || value === undefined) return '';
    const text = String(value).replace(/\s+/g, ' ').trim();
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  },
});

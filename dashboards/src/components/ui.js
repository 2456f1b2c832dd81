// Presentation helpers shared by the pages: formatting, the data banner, "no data yet" notes and
// plain HTML tables whose cells carry stable data-testid attributes. No business rules live here:
// every number comes from a mart through a data loader.
import { html } from 'htl';

export const STATUS_COLORS = { fresh: '#2e9d5b', late: '#e0a100', breached: '#d1382f' };
export const SEVERITY_COLORS = { critical: '#a4161a', high: '#d1382f', medium: '#e0a100', low: '#7d8b99' };
export const SEVERITIES = ['critical', 'high', 'medium', 'low'];

const usdFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function usd(value) {
  return value == null ? '–' : usdFormat.format(value);
}

export function integer(value) {
  return value == null ? '–' : integerFormat.format(value);
}

export function percent(fraction, digits = 1) {
  return fraction == null ? '–' : `${(fraction * 100).toFixed(digits)} %`;
}

export function signedPercent(value) {
  return value == null ? '–' : `${value > 0 ? '+' : ''}${value.toFixed(1)} %`;
}

export function bytes(value) {
  if (value == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let amount = Number(value);
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }
  return `${amount.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Timestamps arrive as ISO strings (JSON) or epoch milliseconds (Arrow). */
export function toDate(value) {
  return value == null ? null : new Date(value);
}

export function timestamp(value) {
  const date = toDate(value);
  return date == null
    ? '–'
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

/** Plain objects from an Arrow table (StructRow proxies do not spread). */
export function arrowRows(table) {
  return table.toArray().map((row) => row.toJSON());
}

export function dataBanner(meta) {
  return html`<p class="meshwatch-banner" data-testid="data-banner">
    Data from lake <code data-testid="lake-path">${meta.lake}</code>, refreshed
    <span data-testid="refreshed-at">${timestamp(meta.refreshed_at)}</span>; figures as of
    <span data-testid="as-of">${timestamp(meta.now)}</span>.</p>`;
}

/** The "no data yet" note for a mart (or file) that the pipeline has not produced. */
export function noData(what, testid) {
  return html`<div class="note" data-testid=${testid ?? 'no-data'}>No data yet: <code>${what}</code> has not been built in this lake.
    Run <code>meshwatch run</code> (or <code>meshwatch transform</code>), then build the dashboards again.</div>`;
}

export function emptyNote(text) {
  return html`<p class="meshwatch-empty"><em>${text}</em></p>`;
}

/** A headline number; `testid` lets the browser test compare it with the marts. */
export function kpi(label, value, testid, note) {
  return html`<div class="card"><h2>${label}</h2><span class="big" data-testid=${testid}>${value}</span>${note ? html`<div class="muted">${note}</div>` : ''}</div>`;
}

export function badge(text, color) {
  return html`<span class="meshwatch-badge" style=${`background:${color ?? '#7d8b99'}`}>${text}</span>`;
}

/**
 * A plain table: columns are {label, value: row => text or node, testid?: row => id}. Rendered in
 * full (not virtualised) so every row is in the page for people and for the browser test.
 */
export function simpleTable(rows, columns, { testid, rowTestid, scroll = false } = {}) {
  return html`<div class=${scroll ? 'meshwatch-table-wrap scroll' : 'meshwatch-table-wrap'}><table class="meshwatch-table" data-testid=${testid}>
    <thead><tr>${columns.map((column) => html`<th>${column.label}</th>`)}</tr></thead>
    <tbody>${rows.map(
      (row) =>
        html`<tr data-testid=${rowTestid ? rowTestid(row) : undefined}>${columns.map(
          (column) =>
            html`<td data-testid=${column.testid ? column.testid(row) : undefined} class=${column.align === 'right' ? 'num' : undefined}>${column.value(row)}</td>`,
        )}</tr>`,
    )}</tbody>
  </table></div>`;
}

export function slug(text) {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

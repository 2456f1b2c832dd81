// The product-health view shared by the all-products page and each domain's page.
import * as Plot from '@observablehq/plot';
import { html } from 'htl';
import { badge, emptyNote, integer, percent, STATUS_COLORS, simpleTable, slug, timestamp, toDate } from './ui.js';

const STATUSES = ['fresh', 'late', 'breached'];

export function productTable(products, { linkDomains = false } = {}) {
  return simpleTable(
    products,
    [
      { label: 'status', value: (d) => badge(d.status, STATUS_COLORS[d.status]), testid: (d) => `status-${slug(d.product)}` },
      { label: 'product', value: (d) => html`<strong>${d.product}</strong><div class="muted"><code>${d.table_fqn}</code></div>` },
      { label: 'domain', value: (d) => (linkDomains ? html`<a href=${`./health/${d.domain}`}>${d.domain}</a>` : d.domain) },
      { label: 'owner', value: (d) => html`${d.owner ?? '–'}<div class="muted">${d.owner_contact ?? ''}</div>` },
      {
        label: 'SLA',
        value: (d) =>
          html`${d.sla_text ?? d.cadence}<div class="muted">warn ${d.warn_lag_hours} h · max ${d.max_lag_hours} h</div>`,
      },
      { label: 'last update', value: (d) => timestamp(d.last_update_at) },
      {
        label: 'lag (h)',
        value: (d) => (d.lag_hours == null ? '–' : d.lag_hours.toFixed(1)),
        align: 'right',
        testid: (d) => `lag-${slug(d.product)}`,
      },
      { label: 'breaches', value: (d) => integer(d.breaches_in_window), align: 'right' },
      {
        label: 'completeness',
        value: (d) =>
          html`${percent(d.completeness)}<div class="muted">${integer(d.present_partitions)} / ${integer(d.expected_partitions)} partitions</div>`,
        align: 'right',
        testid: (d) => `completeness-${slug(d.product)}`,
      },
      { label: 'consumers 30 d', value: (d) => integer(d.consumers_30d), align: 'right' },
      {
        label: 'queries 30 d',
        value: (d) => integer(d.queries_30d),
        align: 'right',
        testid: (d) => `queries-${slug(d.product)}`,
      },
    ],
    { testid: 'product-table', rowTestid: (d) => `product-${slug(d.product)}` },
  );
}

export function statusCounts(products) {
  return html`<div class="grid grid-cols-4">${[
    html`<div class="card"><h2>Data products</h2><span class="big" data-testid="product-count">${integer(products.length)}</span></div>`,
    ...STATUSES.map(
      (status) =>
        html`<div class="card"><h2>${badge(status, STATUS_COLORS[status])}</h2><span class="big" data-testid=${`status-count-${status}`}>${integer(products.filter((d) => d.status === status).length)}</span></div>`,
    ),
  ]}</div>`;
}

/** Breach intervals as bars; an ongoing breach (no end) runs to "now". */
export function breachTimeline(breaches, now, width) {
  if (breaches.length === 0) return emptyNote('No SLA breaches in the window.');
  return Plot.plot({
    width: Math.max(width, 640), // `width` is 0 before the first layout: never draw a negative plot area
    marginLeft: 170,
    height: 60 + 28 * new Set(breaches.map((d) => d.product)).size,
    x: { type: 'utc', label: 'breach (start → end; ongoing breaches run to now)' },
    y: { label: null },
    marks: [
      Plot.barX(breaches, {
        x1: (d) => toDate(d.breach_start_at),
        x2: (d) => toDate(d.breach_end_at ?? now),
        y: 'product',
        fill: (d) => (d.breach_end_at == null ? 'ongoing' : 'ended'),
        tip: true,
        title: (d) =>
          `${d.product}\n${timestamp(d.breach_start_at)} → ${d.breach_end_at ? timestamp(d.breach_end_at) : 'ongoing'}\n${d.duration_hours?.toFixed(1)} h`,
      }),
      Plot.ruleX([toDate(now)], { stroke: 'currentColor', strokeDasharray: '4,3' }),
    ],
    color: { domain: ['ended', 'ongoing'], range: [STATUS_COLORS.late, STATUS_COLORS.breached], legend: true },
  });
}

export function completenessChart(products, width) {
  if (products.length === 0) return emptyNote('No data products.');
  return Plot.plot({
    width: Math.max(width, 640),
    marginLeft: 170,
    height: 40 + 26 * products.length,
    x: { domain: [0, 1], percent: true, label: 'completeness (%)', grid: true },
    y: { label: null },
    color: { domain: STATUSES, range: STATUSES.map((s) => STATUS_COLORS[s]) },
    marks: [
      Plot.barX(products, { x: 'completeness', y: 'product', fill: 'status', tip: true }),
      Plot.ruleX([1], { strokeDasharray: '4,3' }),
    ],
  });
}

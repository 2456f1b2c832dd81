/** Assembles truth.json: every planted fact, computed with the rules in transforms/DEFINITIONS.md. */
import { callerArn } from '../actors.js';
import type { RoutedRecord } from '../cloudtrail/routed.js';
import type { TrailPlants, TrailSummary } from '../cloudtrail/write-trail.js';
import { SETTINGS_CHANGE } from '../grants.js';
import type { CostRow } from '../plan/costs.js';
import type { CatalogWrite } from '../plan/glue.js';
import type { PlannedQuery } from '../plan/queries.js';
import { DAY, iso } from '../time.js';
import { accessTruth, piiNewReaders, piiTagChanges } from './access-truth.js';
import {
  athenaDailyUsage,
  athenaMatrix,
  costAnomalies,
  costDailyDomain,
  monthlyByDomain,
  scanSpikes,
  totalByMonth,
} from './cost-truth.js';
import { drift } from './drift-truth.js';
import { breaches, products } from './freshness-truth.js';

export interface TruthInput {
  readonly startMs: number;
  readonly nowMs: number;
  readonly queries: readonly PlannedQuery[];
  readonly catalogWrites: readonly CatalogWrite[];
  readonly lakeFormation: readonly RoutedRecord[];
  readonly costs: readonly CostRow[];
  readonly trail: TrailSummary;
  readonly plants: TrailPlants;
  readonly settingsEventId: string;
}

/** Alert defaults from DEFINITIONS.md "Alert inputs": 7 days of lookback before now. */
const LOOKBACK_DAYS = 7;

export function buildTruth(input: TruthInput): Record<string, unknown> {
  const lookbackStart = iso(input.nowMs - LOOKBACK_DAYS * DAY);
  const accesses = accessTruth(input.queries);
  const piiReads = accesses.filter((row) => row.is_pii && row.outcome === 'allowed');
  const newReaders = piiNewReaders(accesses, lookbackStart);
  const productRows = products(input.catalogWrites, accesses, input.startMs, input.nowMs);
  const breachRows = breaches(input.catalogWrites, input.startMs, input.nowMs);
  const driftRows = drift(input.lakeFormation, accesses, input.nowMs);
  const matrix = athenaMatrix(input.queries);
  const usage = athenaDailyUsage(input.queries);
  const spikes = scanSpikes(usage);
  const dailyCost = costDailyDomain(input.costs);
  const anomalies = costAnomalies(dailyCost).filter((row) => Date.parse(`${row.day}T00:00:00Z`) >= input.startMs);
  const gap = input.plants.gap;
  const coverageGaps = gap
    ? [
        {
          account_id: gap.accountId,
          region: gap.region,
          day: gap.day,
          from: `${gap.day}T00:00:00Z`,
          to: iso(Date.parse(`${gap.day}T00:00:00Z`) + DAY),
        },
      ]
    : [];
  const settings = driftRows.find((row) => row.resource.startsWith('settings:'));
  const inLookback = (dayText: string) => `${dayText}T00:00:00Z` >= lookbackStart;
  const expectedAlerts = [
    ...productRows
      .filter((row) => row.status_at_now === 'breached')
      .map((row) => ({ rule: 'freshness_sla_breached', resource: row.product, domain: row.domain })),
    ...newReaders
      .filter((row) => row.in_alert_lookback)
      .map((row) => ({
        rule: 'pii_new_reader',
        resource: `${row.principal}@${row.table}`,
        principal: row.principal,
        table: row.table,
        account_id: row.account_id,
      })),
    ...piiReads
      .filter((row) => row.grant_path === 'iam_allowed_principals')
      .map((row) => ({ rule: 'pii_access_via_bypass', resource: `${row.principal}@${row.table}`, table: row.table })),
    ...driftRows
      .filter((row) => row.kind !== 'unused')
      .map((row) => ({
        rule: 'grant_drift_detected',
        resource: `${row.account_id}|${row.principal}|${row.resource}`,
        kind: row.kind,
        severity: row.severity,
        account_id: row.account_id,
      })),
    ...(settings
      ? [{ rule: 'lf_settings_iam_allowed_principals', resource: settings.account_id, account_id: settings.account_id }]
      : []),
    ...spikes
      .filter((row) => inLookback(row.day))
      .map((row) => ({
        rule: 'athena_scan_spike',
        resource: `${row.account_id}/${row.workgroup}`,
        account_id: row.account_id,
        workgroup: row.workgroup,
        day: row.day,
      })),
    ...anomalies
      .filter((row) => inLookback(row.day))
      .map((row) => ({ rule: 'cost_anomaly_domain', resource: row.domain, domain: row.domain, day: row.day })),
    ...coverageGaps
      .filter((row) => inLookback(row.day))
      .map((row) => ({
        rule: 'audit_coverage_gap',
        resource: `${row.account_id}/${row.region}`,
        account_id: row.account_id,
        region: row.region,
        day: row.day,
      })),
  ];
  return {
    window: { start: iso(input.startMs), end: iso(input.nowMs), now: iso(input.nowMs) },
    counts: {
      queries: input.queries.length,
      accesses: accesses.length,
      pii_reads: piiReads.length,
      denied_attempts: accesses.filter((row) => row.outcome === 'denied').length,
      cloudtrail_objects: input.trail.objects,
      cloudtrail_events: input.trail.events,
    },
    accesses,
    pii_reads: piiReads,
    denied_attempts: accesses.filter((row) => row.outcome === 'denied'),
    pii_tag_changes: piiTagChanges(accesses),
    pii_new_readers: newReaders,
    sla_breaches: breachRows,
    products: productRows,
    drift: driftRows,
    lf_settings_iam_allowed_principals: [
      {
        account_id: SETTINGS_CHANGE.accountId,
        setting: SETTINGS_CHANGE.setting,
        changed_at: SETTINGS_CHANGE.at,
        changed_by: callerArn(SETTINGS_CHANGE.actor),
        event_id: input.settingsEventId,
      },
    ],
    costs: {
      monthly_by_domain: monthlyByDomain(input.costs, matrix),
      athena_matrix: matrix,
      total_by_month: totalByMonth(input.costs),
    },
    athena_daily_usage: usage,
    scan_spikes: spikes,
    cost_anomalies: anomalies,
    bad_inputs: input.trail.badInputs,
    addendum_redeliveries: input.trail.addendumEventIds.map((event_id) => ({ event_id })),
    coverage_gaps: coverageGaps,
    expected_alerts: expectedAlerts,
  };
}

/**
 * Truth for grant drift (DEFINITIONS.md "Grant drift"): declared grants against the snapshot at now,
 * the most specific kind first, severity, and who changed it from the CloudTrail events.
 */

import type { RoutedRecord } from '../cloudtrail/routed.js';
import {
  actualGrants,
  canonicalResource,
  DECLARED_GRANTS,
  type Grant,
  grantKey,
  type LfResource,
  SETTINGS_CHANGE,
} from '../grants.js';
import { ACCOUNTS, accountById, PRODUCTS } from '../org.js';
import { tableTagsAt } from '../plan/tags.js';
import { DAY } from '../time.js';
import type { AccessTruth } from './access-truth.js';

export interface DriftTruth {
  kind: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  account_id: string;
  domain: string;
  principal: string;
  resource: string;
  permissions: string[];
  declared_address: string | null;
  changed_by: string | null;
  changed_at: string | null;
  event_name: string | null;
  event_id: string | null;
}

/** The canonical resource string of a CloudTrail (lowerCamelCase) Lake Formation resource. */
// biome-ignore lint/suspicious/noExplicitAny: CloudTrail request parameters are untyped JSON.
type CloudTrailJson = any;

export function canonicalFromCloudTrail(resource: Record<string, CloudTrailJson>): string | null {
  if (resource.database) return canonicalResource({ type: 'database', db: resource.database.name });
  if (resource.table) {
    const table = resource.table;
    return canonicalResource(
      table.tableWildcard
        ? { type: 'tableWildcard', db: table.databaseName }
        : { type: 'table', db: table.databaseName, table: table.name },
    );
  }
  if (resource.tableWithColumns) {
    const t = resource.tableWithColumns;
    return canonicalResource({ type: 'columns', db: t.databaseName, table: t.name, columns: t.columnNames ?? [] });
  }
  if (resource.dataLocation) return canonicalResource({ type: 'dataLocation', arn: resource.dataLocation.resourceArn });
  if (resource.lFTag) return canonicalResource({ type: 'lftag', key: resource.lFTag.tagKey, values: resource.lFTag.tagValues });
  if (resource.lFTagPolicy) {
    const policy = resource.lFTagPolicy;
    return canonicalResource({
      type: 'lftagPolicy',
      resourceType: policy.resourceType,
      expression: policy.expression.map((condition: { tagKey: string; tagValues: string[] }) => ({
        key: condition.tagKey,
        values: condition.tagValues,
      })),
    });
  }
  return null;
}

function entriesOf(record: Record<string, CloudTrailJson>): { principal: string; resource: string | null }[] {
  const params = record.requestParameters ?? {};
  const list = Array.isArray(params.entries) ? params.entries : [params];
  return list.map((entry: Record<string, CloudTrailJson>) => ({
    principal: entry.principal?.dataLakePrincipalIdentifier,
    resource: canonicalFromCloudTrail(entry.resource ?? {}),
  }));
}

function whoChanged(
  lf: readonly RoutedRecord[],
  accountId: string,
  principal: string,
  resource: string,
  eventNames: readonly string[],
) {
  const match = [...lf]
    .reverse()
    .find(
      (routed) =>
        routed.accountId === accountId &&
        eventNames.includes(String(routed.record.eventName)) &&
        !routed.record.errorCode &&
        entriesOf(routed.record).some((entry) => entry.principal === principal && entry.resource === resource),
    );
  if (!match) return { changed_by: null, changed_at: null, event_name: null, event_id: null };
  const identity = match.record.userIdentity as { arn: string };
  return {
    changed_by: identity.arn,
    changed_at: String(match.record.eventTime),
    event_name: String(match.record.eventName),
    event_id: String(match.record.eventID),
  };
}

const ORG_ACCOUNTS = new Set(ACCOUNTS.map((account) => account.id));

function isExternal(principal: string): boolean {
  const account = /^\d{12}$/.test(principal) ? principal : /^arn:aws:iam::(\d{12}):/.exec(principal)?.[1];
  return account !== undefined && !ORG_ACCOUNTS.has(account);
}

function tableOf(resource: LfResource) {
  if (resource.type !== 'table' && resource.type !== 'columns') return null;
  return PRODUCTS.find((product) => product.database === resource.db && product.table === resource.table) ?? null;
}

function isPiiResource(resource: LfResource, nowMs: number): boolean {
  const product = tableOf(resource);
  if (!product) return false;
  return tableTagsAt(product, nowMs).sensitivity === 'pii' || product.columns.some((column) => column.pii);
}

function nearestDeclared(grant: Grant): string | null {
  const resource = canonicalResource(grant.resource);
  return (
    DECLARED_GRANTS.find(
      (declared) => declared.accountId === grant.accountId && canonicalResource(declared.resource) === resource,
    )?.address ?? null
  );
}

const READS = new Set(['SELECT', 'ALL']);

/** Whether an allowed access by the grant's principal touched the grant's resource. */
function used(grant: Grant, accesses: readonly AccessTruth[], nowMs: number): boolean {
  const r = grant.resource;
  return accesses.some((row) => {
    if (row.outcome !== 'allowed' || Date.parse(row.event_time) < nowMs - 30 * DAY) return false;
    const byPrincipal = grant.principal === row.account_id || grant.principal === row.principal_iam_arn;
    if (!byPrincipal || row.producer_account_id !== grant.accountId) return false;
    const [db, table] = row.table.split('.');
    if (r.type === 'database' || r.type === 'tableWildcard') return r.db === db;
    if (r.type === 'table' || r.type === 'columns') return r.db === db && r.table === table;
    if (r.type === 'lftagPolicy') {
      const product = PRODUCTS.find((candidate) => candidate.database === db && candidate.table === table)!;
      const tags = tableTagsAt(product, nowMs);
      return r.expression.every((condition) => condition.values.includes(tags[condition.key] ?? ''));
    }
    return true;
  });
}

/** Whether `unused` applies: read grants on data (DEFINITIONS.md addition). */
function isReadGrant(grant: Grant): boolean {
  return (
    grant.permissions.some((permission) => READS.has(permission)) &&
    ['database', 'table', 'tableWildcard', 'columns', 'lftagPolicy'].includes(grant.resource.type)
  );
}

export function drift(lf: readonly RoutedRecord[], accesses: readonly AccessTruth[], nowMs: number): DriftTruth[] {
  const actual = actualGrants();
  const declaredKeys = new Set(DECLARED_GRANTS.map(grantKey));
  const actualKeys = new Set(actual.map(grantKey));
  const rows: DriftTruth[] = [];
  const base = (grant: Grant) => ({
    account_id: grant.accountId,
    domain: accountById(grant.accountId).domain,
    principal: grant.principal,
    resource: canonicalResource(grant.resource),
    permissions: [...grant.permissions].sort(),
  });
  for (const grant of actual) {
    if (declaredKeys.has(grantKey(grant))) continue;
    const pii = isPiiResource(grant.resource, nowMs);
    const kind =
      grant.principal === 'IAM_ALLOWED_PRINCIPALS'
        ? 'iam_allowed_principals'
        : isExternal(grant.principal)
          ? 'external'
          : tableOf(grant.resource)
            ? 'named_grant_on_tagged_resource'
            : 'unexpected';
    const severity = kind === 'iam_allowed_principals' || kind === 'external' ? 'critical' : pii ? 'high' : 'medium';
    rows.push({
      kind,
      severity,
      ...base(grant),
      declared_address: nearestDeclared(grant),
      ...whoChanged(lf, grant.accountId, grant.principal, canonicalResource(grant.resource), [
        'GrantPermissions',
        'BatchGrantPermissions',
      ]),
    });
  }
  const settingsAccount = SETTINGS_CHANGE.accountId;
  const settingsEvent = [...lf]
    .reverse()
    .find((routed) => routed.accountId === settingsAccount && routed.record.eventName === 'PutDataLakeSettings');
  rows.push({
    kind: 'iam_allowed_principals',
    severity: 'critical',
    account_id: settingsAccount,
    domain: accountById(settingsAccount).domain,
    principal: 'IAM_ALLOWED_PRINCIPALS',
    resource: `settings:${SETTINGS_CHANGE.setting}`,
    permissions: ['ALL'],
    declared_address: null,
    changed_by: settingsEvent ? (settingsEvent.record.userIdentity as { arn: string }).arn : null,
    changed_at: settingsEvent ? String(settingsEvent.record.eventTime) : null,
    event_name: settingsEvent ? 'PutDataLakeSettings' : null,
    event_id: settingsEvent ? String(settingsEvent.record.eventID) : null,
  });
  for (const grant of DECLARED_GRANTS) {
    const who = (names: string[]) => whoChanged(lf, grant.accountId, grant.principal, canonicalResource(grant.resource), names);
    if (!actualKeys.has(grantKey(grant))) {
      rows.push({
        kind: 'missing',
        severity: 'medium',
        ...base(grant),
        declared_address: grant.address,
        ...who(['RevokePermissions', 'BatchRevokePermissions']),
      });
    } else if (isReadGrant(grant) && !used(grant, accesses, nowMs)) {
      rows.push({
        kind: 'unused',
        severity: 'low',
        ...base(grant),
        declared_address: grant.address,
        ...who(['GrantPermissions', 'BatchGrantPermissions']),
      });
    }
  }
  return rows.sort(
    (a, b) => a.account_id.localeCompare(b.account_id) || a.kind.localeCompare(b.kind) || a.resource.localeCompare(b.resource),
  );
}

/**
 * Truth for data access: one row per query × table (copies and resource-link events folded), PII
 * status at access time, grant path from the `now` snapshot (DEFINITIONS.md "PII access").
 */
import { type Actor, callerArn, iamArn, principalKind, principalName } from '../actors.js';
import { type ActualGrant, actualGrants } from '../grants.js';
import { accountById, ORG_ID, type Product, tableFqn } from '../org.js';
import type { PlannedQuery } from '../plan/queries.js';
import { isPiiAt, PII_TAG_CHANGE, tableTagsAt } from '../plan/tags.js';
import { iso } from '../time.js';

export interface AccessTruth {
  event_time: string;
  query_id: string;
  principal: string;
  principal_arn: string;
  /** The IAM role or user ARN (what Lake Formation grants name). */
  principal_iam_arn: string;
  principal_kind: 'human' | 'service';
  /** The human behind the access (SSO user or IAM user name); null for services. */
  human_name: string | null;
  account_id: string;
  consumer_domain: string;
  workgroup: string;
  table: string;
  producer_account_id: string;
  producer_domain: string;
  service: 'athena';
  bytes_scanned: number;
  outcome: 'allowed' | 'denied';
  error_code: string | null;
  is_pii: boolean;
  grant_path: 'iam_allowed_principals' | 'named_grant' | 'lf_tag_policy' | 'unknown' | null;
  via_resource_link: boolean;
  event_id: string;
  copy_event_id: string;
  shared_event_id: string;
}

function onTable(grant: ActualGrant, product: Product): boolean {
  const r = grant.resource;
  if (r.type === 'table' || r.type === 'columns') return r.db === product.database && r.table === product.table;
  if (r.type === 'tableWildcard') return r.db === product.database;
  return false;
}

/** DEFINITIONS.md grant path precedence, against the producer account's snapshot at now. */
export function grantPath(
  actor: Actor,
  product: Product,
  atMs: number,
  grants: readonly ActualGrant[] = actualGrants(),
): AccessTruth['grant_path'] {
  const inAccount = grants.filter((grant) => grant.accountId === product.accountId);
  const bypass = inAccount.some(
    (grant) =>
      grant.principal === 'IAM_ALLOWED_PRINCIPALS' &&
      (onTable(grant, product) || (grant.resource.type === 'database' && grant.resource.db === product.database)),
  );
  if (bypass) return 'iam_allowed_principals';
  const principals = new Set([iamArn(actor), actor.accountId]);
  const mine = inAccount.filter((grant) => principals.has(grant.principal));
  if (mine.some((grant) => onTable(grant, product))) return 'named_grant';
  const tags = tableTagsAt(product, atMs);
  const byPolicy = mine.some(
    (grant) =>
      grant.resource.type === 'lftagPolicy' &&
      grant.resource.resourceType === 'TABLE' &&
      grant.resource.expression.every((condition) => condition.values.includes(tags[condition.key] ?? '')),
  );
  return byPolicy ? 'lf_tag_policy' : 'unknown';
}

export function accessTruth(queries: readonly PlannedQuery[]): AccessTruth[] {
  const grants = actualGrants();
  const rows: AccessTruth[] = [];
  for (const query of queries) {
    for (const access of query.accesses) {
      const product = access.product;
      rows.push({
        event_time: iso(access.atMs),
        query_id: query.id,
        principal: principalName(query.actor),
        principal_arn: callerArn(query.actor),
        principal_iam_arn: iamArn(query.actor),
        principal_kind: principalKind(query.actor),
        human_name: principalKind(query.actor) === 'human' ? principalName(query.actor) : null,
        account_id: query.actor.accountId,
        consumer_domain: accountById(query.actor.accountId).domain,
        workgroup: query.workgroup,
        table: tableFqn(product),
        producer_account_id: product.accountId,
        producer_domain: product.domain,
        service: 'athena',
        bytes_scanned: query.bytes,
        outcome: access.allowed ? 'allowed' : 'denied',
        error_code: access.allowed ? null : 'AccessDeniedException',
        is_pii: isPiiAt(product, access.atMs),
        grant_path: access.allowed ? grantPath(query.actor, product, access.atMs, grants) : null,
        via_resource_link: access.link !== null,
        event_id: access.eventId,
        copy_event_id: access.copyEventId,
        shared_event_id: access.sharedEventId,
      });
    }
  }
  return rows.sort((a, b) => a.event_time.localeCompare(b.event_time) || a.query_id.localeCompare(b.query_id));
}

export function piiTagChanges(accesses: readonly AccessTruth[]) {
  return [
    {
      table: PII_TAG_CHANGE.table,
      tagged_at: PII_TAG_CHANGE.at,
      tagged_by: callerArn(PII_TAG_CHANGE.actor),
      reads_before_tagging: [
        ...new Set(
          accesses
            .filter(
              (row) => row.table === PII_TAG_CHANGE.table && row.outcome === 'allowed' && row.event_time < PII_TAG_CHANGE.at,
            )
            .map((row) => row.query_id),
        ),
      ],
    },
  ];
}

export function piiNewReaders(accesses: readonly AccessTruth[], lookbackStart: string) {
  const first = new Map<string, AccessTruth>();
  for (const row of accesses) {
    if (!row.is_pii || row.outcome !== 'allowed') continue;
    const key = `${row.principal}|${row.table}`;
    if (!first.has(key)) first.set(key, row);
  }
  return [...first.values()].map((row) => ({
    principal: row.principal,
    principal_arn: row.principal_arn,
    account_id: row.account_id,
    table: row.table,
    first_read_at: row.event_time,
    query_id: row.query_id,
    in_alert_lookback: row.event_time >= lookbackStart,
  }));
}

export const ORGANISATION = ORG_ID;

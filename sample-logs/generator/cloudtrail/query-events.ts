/**
 * CloudTrail records of the planned Athena queries: StartQueryExecution, GetQueryExecution polls and
 * the Lake Formation GetDataAccess events of each table read (consumer delivery + producer copy,
 * resource links logging the link first).
 */
import { type Actor, iamArn, stableId } from '../actors.js';
import { DATA_SCIENCE, PRIMARY_REGION, RESOURCE_LINK, tableArn } from '../org.js';
import type { PlannedAccess, PlannedQuery } from '../plan/queries.js';
import { Rng } from '../prng.js';
import { accountIdentityOf, CONSOLE_USER_AGENT, envelope, identityOf, SDK_USER_AGENT, sourceIpOf } from './record.js';
import { type RoutedRecord, route } from './routed.js';

function userAgentOf(actor: Actor): string {
  return actor.kind === 'sso' ? CONSOLE_USER_AGENT : SDK_USER_AGENT;
}

function lfSessionName(accountId: string, seed: string): string {
  return `AWSLF-00-AT-${accountId}-${stableId('', seed, 10)}`;
}

function dataAccessRecords(query: PlannedQuery, access: PlannedAccess): RoutedRecord[] {
  const actor = query.actor;
  const consumer = actor.accountId;
  const denied = !access.allowed;
  const auditContext = { additionalAuditContext: `{queryId: ${query.id}}` };
  const lfPrincipal = iamArn(actor);
  const extra = (withPrincipal: boolean) => ({
    requesterService: 'ATHENA',
    LakeFormationTrustedCallerInvocation: 'true',
    ...(withPrincipal ? { lakeFormationPrincipal: lfPrincipal } : {}),
    lakeFormationRoleSessionName: lfSessionName(consumer, access.eventId),
  });
  const common = {
    eventVersion: '1.11',
    eventSource: 'lakeformation.amazonaws.com',
    eventName: 'GetDataAccess',
    region: PRIMARY_REGION,
    sourceIPAddress: 'athena.amazonaws.com',
    userAgent: 'athena.amazonaws.com',
    responseElements: null,
    readOnly: true,
    errorCode: denied ? 'AccessDeniedException' : null,
    errorMessage: denied ? `Insufficient Lake Formation permission(s) on ${access.product.table}` : null,
  };
  const records: RoutedRecord[] = [];
  if (access.link) {
    const linkArn = `arn:aws:glue:${PRIMARY_REGION}:${RESOURCE_LINK.accountId}:table/${RESOURCE_LINK.database}/${RESOURCE_LINK.table}`;
    records.push(
      route(
        consumer,
        PRIMARY_REGION,
        envelope({
          ...common,
          errorCode: null,
          userIdentity: identityOf(actor, access.link.atMs, 'athena.amazonaws.com'),
          atMs: access.link.atMs,
          requestParameters: { tableArn: linkArn, permissions: ['SELECT'], auditContext },
          additionalEventData: extra(true),
          requestId: access.link.requestId,
          eventId: access.link.eventId,
          recipientAccountId: consumer,
        }),
        access.link.atMs,
      ),
    );
  }
  const requestParameters = { tableArn: tableArn(access.product), permissions: ['SELECT'], auditContext };
  records.push(
    route(
      consumer,
      PRIMARY_REGION,
      envelope({
        ...common,
        userIdentity: identityOf(actor, access.atMs, 'athena.amazonaws.com'),
        atMs: access.atMs,
        requestParameters,
        additionalEventData: extra(true),
        requestId: access.requestId,
        eventId: access.eventId,
        recipientAccountId: consumer,
        sharedEventId: access.sharedEventId,
      }),
      access.atMs,
    ),
  );
  // The owner's copy: data-science has not opted in to sharing principal names with producers.
  records.push(
    route(
      access.product.accountId,
      PRIMARY_REGION,
      envelope({
        ...common,
        userIdentity: accountIdentityOf(actor),
        atMs: access.atMs,
        requestParameters,
        additionalEventData: extra(consumer !== DATA_SCIENCE),
        requestId: access.requestId,
        eventId: access.copyEventId,
        recipientAccountId: access.product.accountId,
        sharedEventId: access.sharedEventId,
      }),
      access.atMs,
    ),
  );
  return records;
}

function athenaCall(
  query: PlannedQuery,
  atMs: number,
  eventName: string,
  requestId: string,
  eventId: string,
  extra: Partial<Parameters<typeof envelope>[0]>,
): RoutedRecord {
  const actor = query.actor;
  return route(
    actor.accountId,
    PRIMARY_REGION,
    envelope({
      eventVersion: '1.09',
      userIdentity: identityOf(actor, atMs),
      atMs,
      eventSource: 'athena.amazonaws.com',
      eventName,
      region: PRIMARY_REGION,
      sourceIPAddress: sourceIpOf(actor),
      userAgent: userAgentOf(actor),
      requestParameters: { queryExecutionId: query.id },
      responseElements: null,
      requestId,
      eventId,
      readOnly: true,
      recipientAccountId: actor.accountId,
      tlsHost: `athena.${PRIMARY_REGION}.amazonaws.com`,
      fromConsole: actor.kind === 'sso',
      ...extra,
    }),
    atMs,
  );
}

export function queryRecords(query: PlannedQuery): RoutedRecord[] {
  const rng = Rng.for(0, query.id);
  const start = athenaCall(query, query.submittedMs, 'StartQueryExecution', query.startRequestId, query.startEventId, {
    readOnly: false,
    requestParameters: {
      queryString: query.queryText,
      clientRequestToken: rng.uuid(),
      queryExecutionContext: { catalog: query.catalog, database: query.database },
      workGroup: query.workgroup,
    },
    responseElements: { queryExecutionId: query.id },
  });
  const records = [start, ...query.accesses.flatMap((access) => dataAccessRecords(query, access))];
  // Clients poll GetQueryExecution until the query ends.
  for (let pollAt = query.submittedMs + 1_000; pollAt <= query.completedMs + 1_000; pollAt += 2_500) {
    records.push(athenaCall(query, pollAt, 'GetQueryExecution', rng.uuid(), rng.uuid(), {}));
  }
  return records;
}

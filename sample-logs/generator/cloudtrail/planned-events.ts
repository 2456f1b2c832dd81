/**
 * CloudTrail records for the planned facts: Athena queries with their Lake Formation GetDataAccess
 * events (consumer delivery + producer copy, resource links), Glue catalog writes, and Lake
 * Formation grant, tag and settings changes.
 */
import { type Actor, iamArn, PEOPLE, principalName, stableId } from '../actors.js';
import {
  DECLARED_GRANTS,
  type DeclaredGrant,
  GRANT_CHANGES,
  type Grant,
  type GrantChange,
  type LfResource,
  SETTINGS_CHANGE,
} from '../grants.js';
import { DATA_SCIENCE, PRIMARY_REGION, PRODUCTS, type Product, RESOURCE_LINK, s3Location, tableArn } from '../org.js';
import type { CatalogWrite } from '../plan/glue.js';
import type { PlannedAccess, PlannedQuery } from '../plan/queries.js';
import { columnTags, PII_TAG_CHANGE, TAG_BOOTSTRAP_AT, tableTagsAt } from '../plan/tags.js';
import { Rng } from '../prng.js';
import {
  accountIdentityOf,
  type CloudTrailRecord,
  CONSOLE_USER_AGENT,
  envelope,
  GLUE_USER_AGENT,
  identityOf,
  SDK_USER_AGENT,
  sourceIpOf,
  TERRAFORM_USER_AGENT,
} from './record.js';

export interface RoutedRecord {
  readonly accountId: string;
  readonly region: string;
  readonly atMs: number;
  readonly record: CloudTrailRecord;
}

const route = (accountId: string, region: string, record: CloudTrailRecord, atMs: number): RoutedRecord => ({
  accountId,
  region,
  atMs,
  record,
});

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

function partitionInput(product: Product, value: string) {
  return {
    values: [value],
    storageDescriptor: {
      location: `${s3Location(product)}${product.partitionKey}=${value}/`,
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    },
  };
}

export function catalogWriteRecord(write: CatalogWrite): RoutedRecord {
  const product = write.product;
  const actor: Actor = {
    kind: 'role',
    accountId: product.accountId,
    role: product.pipelineRole,
    session: 'GlueJobRunnerSession',
  };
  let requestParameters: unknown;
  let responseElements: unknown = null;
  if (write.eventName === 'CreatePartition') {
    requestParameters = {
      catalogId: product.accountId,
      databaseName: product.database,
      tableName: product.table,
      partitionInput: partitionInput(product, write.partitions[0]!),
    };
  } else if (write.eventName === 'BatchCreatePartition') {
    requestParameters = {
      catalogId: product.accountId,
      databaseName: product.database,
      tableName: product.table,
      partitionInputList: write.partitions.map((value) => partitionInput(product, value)),
    };
    responseElements = write.errorCode ? null : { errors: [] };
  } else {
    requestParameters = {
      catalogId: product.accountId,
      databaseName: product.database,
      tableInput: {
        name: product.table,
        parameters: { classification: 'parquet', last_refreshed_by: product.pipelineRole },
        partitionKeys: [{ name: product.partitionKey, type: 'string' }],
      },
      skipArchive: true,
    };
  }
  return route(
    product.accountId,
    PRIMARY_REGION,
    envelope({
      eventVersion: '1.08',
      userIdentity: identityOf(actor, write.atMs),
      atMs: write.atMs,
      eventSource: 'glue.amazonaws.com',
      eventName: write.eventName,
      region: PRIMARY_REGION,
      sourceIPAddress: sourceIpOf(actor),
      userAgent: GLUE_USER_AGENT,
      requestParameters,
      responseElements,
      requestId: write.requestId,
      eventId: write.eventId,
      readOnly: false,
      recipientAccountId: product.accountId,
      errorCode: write.errorCode,
      errorMessage: write.errorCode ? 'Internal service error, please retry' : null,
      tlsHost: `glue.${PRIMARY_REGION}.amazonaws.com`,
    }),
    write.atMs,
  );
}

/** A Lake Formation resource in CloudTrail's lowerCamelCase request shape. */
export function cloudTrailResource(resource: LfResource, catalogId: string): Record<string, unknown> {
  switch (resource.type) {
    case 'database':
      return { database: { catalogId, name: resource.db } };
    case 'table':
      return { table: { catalogId, databaseName: resource.db, name: resource.table } };
    case 'tableWildcard':
      return { table: { catalogId, databaseName: resource.db, tableWildcard: {} } };
    case 'columns':
      return {
        tableWithColumns: { catalogId, databaseName: resource.db, name: resource.table, columnNames: [...resource.columns] },
      };
    case 'dataLocation':
      return { dataLocation: { catalogId, resourceArn: resource.arn } };
    case 'lftag':
      return { lFTag: { catalogId, tagKey: resource.key, tagValues: [...resource.values] } };
    case 'lftagPolicy':
      return {
        lFTagPolicy: {
          catalogId,
          resourceType: resource.resourceType,
          expression: resource.expression.map((c) => ({ tagKey: c.key, tagValues: [...c.values] })),
        },
      };
  }
}

function lfCall(
  actor: Actor,
  accountId: string,
  atMs: number,
  eventName: string,
  requestParameters: unknown,
  responseElements: unknown,
  rng: Rng,
  eventId?: string,
): RoutedRecord {
  return route(
    accountId,
    PRIMARY_REGION,
    envelope({
      eventVersion: '1.08',
      userIdentity: identityOf(actor, atMs),
      atMs,
      eventSource: 'lakeformation.amazonaws.com',
      eventName,
      region: PRIMARY_REGION,
      sourceIPAddress: sourceIpOf(actor),
      userAgent:
        actor.kind === 'role'
          ? TERRAFORM_USER_AGENT
          : actor.kind === 'sso'
            ? CONSOLE_USER_AGENT
            : 'aws-cli/2.18.3 md/awscrt#0.22.0 ua/2.0 os/linux#6.1.109 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe command/lakeformation.grant-permissions',
      requestParameters,
      responseElements,
      requestId: rng.uuid(),
      eventId: eventId ?? rng.uuid(),
      readOnly: false,
      recipientAccountId: accountId,
      tlsHost: `lakeformation.${PRIMARY_REGION}.amazonaws.com`,
      fromConsole: actor.kind === 'sso',
    }),
    atMs,
  );
}

function grantEntry(grant: Grant, id: string) {
  return {
    id,
    principal: { dataLakePrincipalIdentifier: grant.principal },
    resource: cloudTrailResource(grant.resource, grant.accountId),
    permissions: [...grant.permissions],
    permissionsWithGrantOption: [...grant.grantable],
  };
}

export interface ChangeEvent {
  readonly change: GrantChange;
  readonly eventId: string;
}

/** Event ids of the planted grant changes, so truth.json can name them. */
export function grantChangeEventIds(seed: number): string[] {
  const rng = Rng.for(seed, 'grant-change-ids');
  return GRANT_CHANGES.map(() => rng.uuid());
}

export function settingsChangeEventId(seed: number): string {
  return Rng.for(seed, 'settings-change-id').uuid();
}

export function tagChangeEventId(seed: number): string {
  return Rng.for(seed, 'tag-change-id').uuid();
}

function bootstrapRecords(seed: number): RoutedRecord[] {
  const rng = Rng.for(seed, 'lf-bootstrap');
  const records: RoutedRecord[] = [];
  const tagAt = Date.parse(TAG_BOOTSTRAP_AT);
  PRODUCTS.forEach((product, index) => {
    const actor: Actor = { kind: 'role', accountId: product.accountId, role: 'lf-terraform-apply', session: 'terraform-ci' };
    const tags = tableTagsAt({ ...product, sensitivity: product.sensitivity }, tagAt);
    const atMs = tagAt + index * 2_150;
    records.push(
      lfCall(
        actor,
        product.accountId,
        atMs,
        'AddLFTagsToResource',
        {
          catalogId: product.accountId,
          resource: cloudTrailResource({ type: 'table', db: product.database, table: product.table }, product.accountId),
          lFTags: Object.entries(tags).map(([tagKey, value]) => ({ catalogId: product.accountId, tagKey, tagValues: [value] })),
        },
        { failures: [] },
        rng,
      ),
    );
    for (const column of columnTags(product)) {
      records.push(
        lfCall(
          actor,
          product.accountId,
          atMs + 900,
          'AddLFTagsToResource',
          {
            catalogId: product.accountId,
            resource: cloudTrailResource(
              { type: 'columns', db: product.database, table: product.table, columns: [column.column] },
              product.accountId,
            ),
            lFTags: Object.entries(column.tags).map(([tagKey, value]) => ({
              catalogId: product.accountId,
              tagKey,
              tagValues: [value],
            })),
          },
          { failures: [] },
          rng,
        ),
      );
    }
  });
  const byAccount = new Map<string, DeclaredGrant[]>();
  for (const grant of DECLARED_GRANTS) byAccount.set(grant.accountId, [...(byAccount.get(grant.accountId) ?? []), grant]);
  let offset = 0;
  for (const [accountId, grants] of byAccount) {
    const actor: Actor = { kind: 'role', accountId, role: 'lf-terraform-apply', session: 'terraform-ci' };
    const atMs = tagAt + 10 * 60_000 + offset++ * 3_300;
    records.push(
      lfCall(
        actor,
        accountId,
        atMs,
        'BatchGrantPermissions',
        { catalogId: accountId, entries: grants.map((grant, index) => grantEntry(grant, String(index + 1))) },
        { failures: [] },
        rng,
      ),
    );
  }
  return records;
}

function changeRecords(seed: number): RoutedRecord[] {
  const rng = Rng.for(seed, 'lf-changes');
  const ids = grantChangeEventIds(seed);
  const records = GRANT_CHANGES.map((change, index) => {
    const grant = change.grant;
    const atMs = Date.parse(change.at);
    const request =
      change.eventName === 'BatchGrantPermissions'
        ? { catalogId: grant.accountId, entries: [grantEntry(grant, '1')] }
        : {
            catalogId: grant.accountId,
            principal: { dataLakePrincipalIdentifier: grant.principal },
            resource: cloudTrailResource(grant.resource, grant.accountId),
            permissions: [...grant.permissions],
            permissionsWithGrantOption: [...grant.grantable],
          };
    const response = change.eventName === 'BatchGrantPermissions' ? { failures: [] } : null;
    return lfCall(change.actor, grant.accountId, atMs, change.eventName, request, response, rng, ids[index]);
  });
  const settingsAt = Date.parse(SETTINGS_CHANGE.at);
  records.push(
    lfCall(
      SETTINGS_CHANGE.actor,
      SETTINGS_CHANGE.accountId,
      settingsAt,
      'PutDataLakeSettings',
      {
        catalogId: SETTINGS_CHANGE.accountId,
        dataLakeSettings: {
          dataLakeAdmins: [{ dataLakePrincipalIdentifier: `arn:aws:iam::${SETTINGS_CHANGE.accountId}:role/lf-terraform-apply` }],
          readOnlyAdmins: [],
          createDatabaseDefaultPermissions: [],
          createTableDefaultPermissions: [
            { principal: { dataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, permissions: ['ALL'] },
          ],
          trustedResourceOwners: [],
          allowExternalDataFiltering: false,
          allowFullTableExternalDataAccess: false,
          parameters: { CROSS_ACCOUNT_VERSION: '4' },
        },
      },
      null,
      rng,
      settingsChangeEventId(seed),
    ),
  );
  const tagProduct = PRODUCTS.find((product) => `${product.database}.${product.table}` === PII_TAG_CHANGE.table)!;
  records.push(
    lfCall(
      PII_TAG_CHANGE.actor,
      tagProduct.accountId,
      Date.parse(PII_TAG_CHANGE.at),
      'AddLFTagsToResource',
      {
        catalogId: tagProduct.accountId,
        resource: cloudTrailResource({ type: 'table', db: tagProduct.database, table: tagProduct.table }, tagProduct.accountId),
        lFTags: [{ catalogId: tagProduct.accountId, tagKey: 'sensitivity', tagValues: [PII_TAG_CHANGE.value] }],
      },
      { failures: [] },
      rng,
      tagChangeEventId(seed),
    ),
  );
  return records;
}

/** Every Lake Formation management event in the window, oldest first. */
export function lakeFormationRecords(seed: number, startMs: number, endMs: number): RoutedRecord[] {
  return [...bootstrapRecords(seed), ...changeRecords(seed)]
    .filter((routed) => routed.atMs >= startMs && routed.atMs < endMs)
    .sort((a, b) => a.atMs - b.atMs);
}

export const PEOPLE_FOR_NOISE = PEOPLE;
export { principalName };

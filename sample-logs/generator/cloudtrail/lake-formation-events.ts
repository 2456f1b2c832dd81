/**
 * CloudTrail records of Lake Formation management: the IaC role tagging every table and applying the
 * declared grants at the window start, then the planted human grant, revoke, settings and tag changes.
 */
import type { Actor } from '../actors.js';
import { DECLARED_GRANTS, type DeclaredGrant, GRANT_CHANGES, type Grant, type LfResource, SETTINGS_CHANGE } from '../grants.js';
import { PRIMARY_REGION, PRODUCTS } from '../org.js';
import { columnTags, PII_TAG_CHANGE, TAG_BOOTSTRAP_AT, tableTagsAt } from '../plan/tags.js';
import { Rng } from '../prng.js';
import { CONSOLE_USER_AGENT, envelope, identityOf, sourceIpOf, TERRAFORM_USER_AGENT } from './record.js';
import { type RoutedRecord, route } from './routed.js';

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

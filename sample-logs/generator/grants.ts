/**
 * Lake Formation grants: the declared set (Terraform), the changes humans make in the window, and
 * the resulting actual set at `now` (the ListPermissions snapshot). Canonical resource strings
 * follow transforms/DEFINITIONS.md "Grant drift".
 */
import { type Actor, callerArn, PEOPLE, terraformActor } from './actors.js';
import { ANALYTICS, DATA_SCIENCE, EXTERNAL_ACCOUNT, FINANCE, GOVERNANCE, MARKETING, SALES, SUPPLY_CHAIN } from './org.js';

export interface TagCondition {
  readonly key: string;
  readonly values: readonly string[];
}

export type LfResource =
  | { readonly type: 'database'; readonly db: string }
  | { readonly type: 'table'; readonly db: string; readonly table: string }
  | { readonly type: 'tableWildcard'; readonly db: string }
  | { readonly type: 'columns'; readonly db: string; readonly table: string; readonly columns: readonly string[] }
  | { readonly type: 'dataLocation'; readonly arn: string }
  | { readonly type: 'lftag'; readonly key: string; readonly values: readonly string[] }
  | { readonly type: 'lftagPolicy'; readonly resourceType: 'TABLE' | 'DATABASE'; readonly expression: readonly TagCondition[] };

export interface Grant {
  readonly accountId: string;
  readonly principal: string;
  readonly resource: LfResource;
  readonly permissions: readonly string[];
  readonly grantable: readonly string[];
}

export interface DeclaredGrant extends Grant {
  readonly address: string;
}

const sorted = (values: readonly string[]): string[] => [...values].sort();

export function canonicalResource(resource: LfResource): string {
  switch (resource.type) {
    case 'database':
      return `database:${resource.db}`;
    case 'table':
      return `table:${resource.db}.${resource.table}`;
    case 'tableWildcard':
      return `table:${resource.db}.*`;
    case 'columns':
      return `columns:${resource.db}.${resource.table}(${sorted(resource.columns).join(',')})`;
    case 'dataLocation':
      return `data-location:${resource.arn}`;
    case 'lftag':
      return `lftag:${resource.key}=${sorted(resource.values).join('|')}`;
    case 'lftagPolicy': {
      const parts = [...resource.expression]
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((condition) => `${condition.key}=${sorted(condition.values).join('|')}`);
      return `lftag-policy:${resource.resourceType}:${parts.join(';')}`;
    }
  }
}

export function grantKey(grant: Grant): string {
  return `${grant.accountId}|${grant.principal}|${canonicalResource(grant.resource)}`;
}

const READ = ['SELECT', 'DESCRIBE'];
const roleArn = (accountId: string, name: string) => `arn:aws:iam::${accountId}:role/${name}`;
const tagPolicy = (domain: string): LfResource => ({
  type: 'lftagPolicy',
  resourceType: 'TABLE',
  expression: [
    { key: 'domain', values: [domain] },
    { key: 'sensitivity', values: ['internal', 'public'] },
  ],
});

function declared(
  address: string,
  accountId: string,
  principal: string,
  resource: LfResource,
  permissions: string[],
): DeclaredGrant {
  return { address: `aws_lakeformation_permissions.${address}`, accountId, principal, resource, permissions, grantable: [] };
}

/** Grants declared as code. LF-Tag policies are preferred; named grants only where a policy cannot say it. */
export const DECLARED_GRANTS: readonly DeclaredGrant[] = [
  declared('sales_to_analytics_tagged', SALES, ANALYTICS, tagPolicy('sales'), READ),
  declared('sales_to_data_science_tagged', SALES, DATA_SCIENCE, tagPolicy('sales'), READ),
  declared(
    'sales_pipeline_location',
    SALES,
    roleArn(SALES, 'sales-orders-etl'),
    { type: 'dataLocation', arn: 'arn:aws:s3:::nimbuscart-sales-lake' },
    ['DATA_LOCATION_ACCESS'],
  ),
  declared('sales_pipeline_database', SALES, roleArn(SALES, 'sales-orders-etl'), { type: 'database', db: 'sales_db' }, [
    'ALTER',
    'CREATE_TABLE',
    'DESCRIBE',
  ]),
  declared('sales_pipeline_all_tables', SALES, roleArn(SALES, 'sales-orders-etl'), { type: 'tableWildcard', db: 'sales_db' }, [
    'ALTER',
    'DESCRIBE',
    'INSERT',
  ]),
  declared('marketing_to_analytics_tagged', MARKETING, ANALYTICS, tagPolicy('marketing'), READ),
  declared('marketing_to_data_science_tagged', MARKETING, DATA_SCIENCE, tagPolicy('marketing'), READ),
  declared(
    'marketing_leads_columns_to_churn_model',
    MARKETING,
    roleArn(DATA_SCIENCE, 'ds-churn-model-training'),
    { type: 'columns', db: 'marketing_db', table: 'leads', columns: ['lead_id', 'campaign_id', 'score', 'created_at'] },
    ['SELECT'],
  ),
  declared('supply_chain_to_analytics_tagged', SUPPLY_CHAIN, ANALYTICS, tagPolicy('supply-chain'), READ),
  declared(
    'supply_chain_suppliers_to_data_science',
    SUPPLY_CHAIN,
    DATA_SCIENCE,
    { type: 'table', db: 'supply_chain_db', table: 'suppliers' },
    READ,
  ),
  declared('finance_to_analytics_tagged', FINANCE, ANALYTICS, tagPolicy('finance'), READ),
  declared(
    'finance_salaries_to_payroll_model',
    FINANCE,
    roleArn(DATA_SCIENCE, 'ds-payroll-model'),
    { type: 'table', db: 'finance_db', table: 'salaries' },
    ['SELECT'],
  ),
  declared(
    'finance_invoices_to_data_science',
    FINANCE,
    DATA_SCIENCE,
    { type: 'table', db: 'finance_db', table: 'invoices' },
    READ,
  ),
  declared(
    'finance_budgets_to_forecasting',
    FINANCE,
    roleArn(DATA_SCIENCE, 'ds-forecasting'),
    { type: 'table', db: 'finance_db', table: 'budgets' },
    ['SELECT'],
  ),
  declared(
    'governance_auditor_sensitivity_tag',
    GOVERNANCE,
    roleArn(GOVERNANCE, 'meshwatch-auditor'),
    { type: 'lftag', key: 'sensitivity', values: ['internal', 'pii', 'public'] },
    ['DESCRIBE'],
  ),
];

export type ChangeEventName = 'GrantPermissions' | 'BatchGrantPermissions' | 'RevokePermissions' | 'PutDataLakeSettings';

/** A grant change made in the window; `declared` false marks the human, out-of-code ones. */
export interface GrantChange {
  readonly at: string;
  readonly actor: Actor;
  readonly eventName: ChangeEventName;
  readonly grant: Grant;
}

/** The planted changes: each kind of drift in DEFINITIONS.md appears at least once. */
export const GRANT_CHANGES: readonly GrantChange[] = [
  {
    at: '2026-10-03T10:12:41Z',
    actor: PEOPLE.mei,
    eventName: 'GrantPermissions',
    grant: {
      accountId: SALES,
      principal: ANALYTICS,
      resource: { type: 'table', db: 'sales_db', table: 'customers' },
      permissions: ['SELECT'],
      grantable: [],
    },
  },
  {
    at: '2026-10-06T13:40:09Z',
    actor: PEOPLE.rita,
    eventName: 'GrantPermissions',
    grant: {
      accountId: FINANCE,
      principal: roleArn(FINANCE, 'finance-adhoc-loader'),
      resource: { type: 'dataLocation', arn: 'arn:aws:s3:::nimbuscart-finance-lake' },
      permissions: ['DATA_LOCATION_ACCESS'],
      grantable: [],
    },
  },
  {
    at: '2026-10-09T16:05:22Z',
    actor: PEOPLE.omar,
    eventName: 'GrantPermissions',
    grant: {
      accountId: MARKETING,
      principal: EXTERNAL_ACCOUNT,
      resource: { type: 'table', db: 'marketing_db', table: 'campaigns' },
      permissions: READ,
      grantable: [],
    },
  },
  {
    at: '2026-10-12T09:34:50Z',
    actor: PEOPLE.opsAdmin,
    eventName: 'GrantPermissions',
    grant: {
      accountId: SUPPLY_CHAIN,
      principal: 'IAM_ALLOWED_PRINCIPALS',
      resource: { type: 'table', db: 'supply_chain_db', table: 'suppliers' },
      permissions: ['ALL'],
      grantable: [],
    },
  },
  {
    at: '2026-10-20T14:30:03Z',
    actor: PEOPLE.rita,
    eventName: 'RevokePermissions',
    grant: { accountId: FINANCE, principal: ANALYTICS, resource: tagPolicy('finance'), permissions: READ, grantable: [] },
  },
  {
    at: '2026-10-22T15:10:37Z',
    actor: PEOPLE.omar,
    eventName: 'BatchGrantPermissions',
    grant: {
      accountId: MARKETING,
      principal: DATA_SCIENCE,
      resource: { type: 'database', db: 'marketing_db' },
      permissions: ['DESCRIBE'],
      grantable: [],
    },
  },
];

/** PutDataLakeSettings in supply-chain re-enabling IAM_ALLOWED_PRINCIPALS for new tables. */
export const SETTINGS_CHANGE = {
  at: '2026-10-12T09:30:14Z',
  actor: PEOPLE.opsAdmin,
  accountId: SUPPLY_CHAIN,
  setting: 'CreateTableDefaultPermissions',
} as const;

/** When the declared grants were last applied (before the window) and by whom. */
export const DECLARED_APPLIED_AT = '2026-09-14T08:00:00Z';
export function declaredAppliedBy(accountId: string): string {
  return callerArn(terraformActor(accountId));
}

export interface ActualGrant extends Grant {
  readonly lastUpdated: string;
  readonly lastUpdatedBy: string;
}

/** The grants in place at `now`: declared, minus revocations, plus the human grants. */
export function actualGrants(): ActualGrant[] {
  const byKey = new Map<string, ActualGrant>();
  for (const grant of DECLARED_GRANTS) {
    byKey.set(grantKey(grant), { ...grant, lastUpdated: DECLARED_APPLIED_AT, lastUpdatedBy: declaredAppliedBy(grant.accountId) });
  }
  for (const change of GRANT_CHANGES) {
    const key = grantKey(change.grant);
    if (change.eventName === 'RevokePermissions') byKey.delete(key);
    else byKey.set(key, { ...change.grant, lastUpdated: change.at, lastUpdatedBy: callerArn(change.actor) });
  }
  return [...byKey.values()];
}

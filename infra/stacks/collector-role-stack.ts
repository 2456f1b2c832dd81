/**
 * The read-only role meshwatch assumes in one member account. Its actions are exactly the ones the
 * collectors call (ingest/aws/permissions.ts): member accounts get MEMBER_ACCOUNT_ACTIONS, only the
 * management (payer) account also gets MANAGEMENT_ACCOUNT_ACTIONS. It trusts only the meshwatch
 * task role, and only with the external id.
 */
import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { MANAGEMENT_ACCOUNT_ACTIONS, MEMBER_ACCOUNT_ACTIONS } from '../../ingest/aws/permissions.js';
import type { AccountConfig } from '../../lib/config/schema.js';
import type { Deployment } from '../config/deployment.js';
import { suppressNag } from '../security/nag-suppressions.js';

export interface CollectorRoleStackProps extends StackProps {
  readonly deployment: Deployment;
  readonly account: AccountConfig;
}

export class CollectorRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CollectorRoleStackProps) {
    super(scope, id, props);
    const { deployment, account } = props;
    const isManagement = account.kind === 'management';
    this.role = new iam.Role(this, 'CollectorRole', {
      roleName: deployment.collectorRoleName,
      description: `meshwatch read-only collector (${isManagement ? 'management' : 'member'} account)`,
      // The account root plus aws:PrincipalArn instead of the role ARN as principal: the trust policy
      // stays valid when the task role is recreated, and can be deployed before the pipeline exists.
      assumedBy: new iam.AccountPrincipal(deployment.pipeline.account).withConditions({
        StringEquals: { 'aws:PrincipalArn': deployment.taskRoleArn, 'sts:ExternalId': deployment.externalId },
      }),
    });
    const reach = { accountId: account.id, regions: deployment.regions, organizationId: deployment.organizationId };
    const policy = new iam.ManagedPolicy(this, 'CollectorPolicy', {
      description: 'exactly the API actions meshwatch collectors call (ingest/aws/permissions.ts)',
      statements: collectorStatements(reach, isManagement),
    });
    suppressNag(policy, 'collectorActionsWithoutResources', ['Resource::*']);
    suppressNag(policy, 'collectorCatalogInventory', catalogWildcards(reach));
    if (isManagement) suppressNag(policy, 'collectorOrganizationAccounts', [`Resource::${organizationAccountsArn(reach)}`]);
    this.role.addManagedPolicy(policy);
    Tags.of(this).add('meshwatch:component', 'collector-role');
  }
}

/** What the collector statements are scoped to: the member account, the configured regions, the organisation. */
export interface CollectorScope {
  readonly accountId: string;
  readonly regions: readonly string[];
  readonly organizationId: string;
}

const glueArns = ({ accountId, regions }: CollectorScope) =>
  regions.flatMap((region) => [
    `arn:aws:glue:${region}:${accountId}:catalog`,
    `arn:aws:glue:${region}:${accountId}:database/*`,
    `arn:aws:glue:${region}:${accountId}:table/*/*`,
  ]);

const workgroupArns = ({ accountId, regions }: CollectorScope) =>
  regions.map((region) => `arn:aws:athena:${region}:${accountId}:workgroup/*`);

/** The member accounts of the organisation, as organizations:ListTagsForResource names them. */
export const organizationAccountsArn = ({ accountId, organizationId }: CollectorScope) =>
  `arn:aws:organizations::${accountId}:account/${organizationId}/*`;

/** The wildcard ARNs of the catalog statements, as cdk-nag names its findings (`Resource::<arn>`). */
function catalogWildcards(scope: CollectorScope): string[] {
  return [...glueArns(scope), ...workgroupArns(scope)].filter((arn) => arn.includes('*')).map((arn) => `Resource::${arn}`);
}

/**
 * Resource-scoped wherever the Service Authorization Reference gives the action a resource type:
 * Glue catalog objects and Athena workgroups in the configured regions, the organisation's
 * accounts for ListTagsForResource. The rest (Lake Formation, LookupEvents, ListWorkGroups, Cost
 * Explorer, ListAccounts) accept no resource ARN and take "*".
 */
export function collectorStatements(scope: CollectorScope, isManagement: boolean): iam.PolicyStatement[] {
  const { glue, athena, ...unscoped } = MEMBER_ACCOUNT_ACTIONS;
  const athenaWorkgroupActions = athena.filter((action) => action !== 'athena:ListWorkGroups');
  const statements = [
    new iam.PolicyStatement({ sid: 'GlueCatalogRead', actions: [...glue], resources: glueArns(scope) }),
    new iam.PolicyStatement({ sid: 'AthenaWorkgroupRead', actions: athenaWorkgroupActions, resources: workgroupArns(scope) }),
    new iam.PolicyStatement({
      sid: 'ReadWithoutResourceLevelPermissions',
      actions: [...Object.values(unscoped).flat(), 'athena:ListWorkGroups'],
      resources: ['*'],
    }),
  ];
  if (isManagement) {
    const { organizations, cost_explorer } = MANAGEMENT_ACCOUNT_ACTIONS;
    const taggedResources: string[] = ['organizations:ListTagsForResource'];
    statements.push(
      new iam.PolicyStatement({
        sid: 'ManagementAccountWithoutResourceLevelPermissions',
        actions: [...cost_explorer, ...organizations.filter((action) => !taggedResources.includes(action))],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'OrganizationAccountTags',
        actions: taggedResources,
        resources: [organizationAccountsArn(scope)],
      }),
    );
  }
  return statements;
}

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
    const policy = new iam.ManagedPolicy(this, 'CollectorPolicy', {
      description: 'exactly the API actions meshwatch collectors call (ingest/aws/permissions.ts)',
      statements: collectorStatements(account.id, isManagement),
    });
    this.role.addManagedPolicy(policy);
    Tags.of(this).add('meshwatch:component', 'collector-role');
  }
}

/**
 * Resource-scoped where the service supports it (Glue catalog objects, Athena workgroups); the
 * remaining actions (Lake Formation, LookupEvents, ListWorkGroups, Cost Explorer, Organizations)
 * have no resource-level permissions and take "*".
 */
export function collectorStatements(accountId: string, isManagement: boolean): iam.PolicyStatement[] {
  const { glue, athena, ...unscoped } = MEMBER_ACCOUNT_ACTIONS;
  const athenaWorkgroupActions = athena.filter((action) => action !== 'athena:ListWorkGroups');
  const statements = [
    new iam.PolicyStatement({
      sid: 'GlueCatalogRead',
      actions: [...glue],
      resources: [
        `arn:aws:glue:*:${accountId}:catalog`,
        `arn:aws:glue:*:${accountId}:database/*`,
        `arn:aws:glue:*:${accountId}:table/*/*`,
      ],
    }),
    new iam.PolicyStatement({
      sid: 'AthenaWorkgroupRead',
      actions: athenaWorkgroupActions,
      resources: [`arn:aws:athena:*:${accountId}:workgroup/*`],
    }),
    new iam.PolicyStatement({
      sid: 'ReadWithoutResourceLevelPermissions',
      actions: [...Object.values(unscoped).flat(), 'athena:ListWorkGroups'],
      resources: ['*'],
    }),
  ];
  if (isManagement) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ManagementAccountOnly',
        actions: Object.values(MANAGEMENT_ACCOUNT_ACTIONS).flat(),
        resources: ['*'],
      }),
    );
  }
  return statements;
}

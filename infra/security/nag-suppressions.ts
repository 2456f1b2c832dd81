/**
 * Every cdk-nag (AwsSolutions) finding meshwatch accepts, with its reason, in one place: the stacks
 * apply them with `suppressNag` on the exact resource (and, for wildcard findings, the exact
 * wildcard through `appliesTo`), README.md "Security" lists them from here, and test/infra/nag
 * fails on any finding that is not one of these. Everything else the pack reports is fixed.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface NagRationale {
  /** The AwsSolutions rule. */
  readonly rule: string;
  /** Where it is applied, for the README table. */
  readonly where: string;
  readonly reason: string;
}

export const NAG_SUPPRESSIONS = {
  collectorActionsWithoutResources: {
    rule: 'AwsSolutions-IAM5',
    where: 'collector roles: `Resource::*`',
    reason:
      'lakeformation:ListPermissions, GetDataLakeSettings, ListLFTags, GetResourceLFTags and SearchTablesByLFTags, ' +
      'cloudtrail:LookupEvents, athena:ListWorkGroups, and in the management account ce:GetCostAndUsage and ' +
      'organizations:ListAccounts accept no resource ARN (the Service Authorization Reference lists no resource ' +
      'type for them), so IAM can only grant them on "*". Every action that does take an ARN is in a scoped statement.',
  },
  collectorCatalogInventory: {
    rule: 'AwsSolutions-IAM5',
    where: 'collector roles: Glue `database/*`, `table/*/*`, Athena `workgroup/*`',
    reason:
      'The collectors inventory every Glue database, table and partition and every Athena workgroup of a member ' +
      'account: the names are the data products the mesh has, unknown at deploy time. The ARNs are limited to the ' +
      'account, the configured regions and the resource type; the actions are read-only.',
  },
  collectorOrganizationAccounts: {
    rule: 'AwsSolutions-IAM5',
    where: 'management collector role: `organizations::<mgmt>:account/<org>/*`',
    reason:
      'organizations:ListTagsForResource reads the tags of every account ListAccounts returns, including accounts ' +
      'missing from the config (that is how the report finds them); the ARN is limited to this organisation.',
  },
  runnerMetricsNamespace: {
    rule: 'AwsSolutions-IAM5',
    where: 'runner task role: `Resource::*` (cloudwatch:PutMetricData)',
    reason:
      'cloudwatch:PutMetricData accepts no resource ARN; the statement is limited to the meshwatch namespace by its ' +
      'cloudwatch:namespace condition.',
  },
  runnerLakeObjects: {
    rule: 'AwsSolutions-IAM5',
    where: 'runner task role: `<lake bucket>/*`',
    reason:
      'The runner syncs the whole lake (datasets, marts, the DuckDB file, the sync manifest and the lake lease): ' +
      'every object in the lake bucket is one it writes. Get, put and delete object only; the bucket belongs to meshwatch alone.',
  },
  runnerOrgTrailObjects: {
    rule: 'AwsSolutions-IAM5',
    where: 'runner task role: `<org trail bucket>/<prefix>AWSLogs/*`',
    reason:
      'CloudTrail names its log objects itself (`AWSLogs/<org>/<account>/CloudTrail/<region>/<date>/...`); the grant ' +
      'is s3:GetObject under the trail prefix only, and listing is limited to the same prefix by condition.',
  },
  runnerSiteObjects: {
    rule: 'AwsSolutions-IAM5',
    where: 'runner task role: `<site bucket>/*`',
    reason:
      'The runner publishes the whole built dashboards site, whose file names the build generates; the site bucket ' +
      'holds nothing else.',
  },
  runnerSiteKey: {
    rule: 'AwsSolutions-IAM5',
    where: 'runner task role: `kms:us-east-1:<account>:key/*`',
    reason:
      'The site key is created in us-east-1 by the dashboards stack, so its id is unknown to the pipeline stack ' +
      '(no cross-region reference). The kms:ResourceAliases condition limits the statement to the key with the ' +
      'site alias.',
  },
  executionRoleAuthToken: {
    rule: 'AwsSolutions-IAM5',
    where: 'ECS task execution roles (made by CDK): `Resource::*`',
    reason:
      'ecr:GetAuthorizationToken accepts no resource ARN; image pulls themselves are limited to the asset ' +
      'repository and log writes to the runner log group.',
  },
  readerLakeTables: {
    rule: 'AwsSolutions-IAM5',
    where: 'Athena reader policy: each table folder `<lake>/<folder>/*`, `<results>/results/*`, `table/<database>/*`',
    reason:
      'Athena reads every object under the folder of a table and writes query results under names it generates. The ' +
      'grants are limited to the table folders (not the DuckDB file, the manifest or the lease), the results ' +
      'prefix, and the tables of the meshwatch database.',
  },
  edgeFunctionLogs: {
    rule: 'AwsSolutions-IAM5',
    where: 'Lambda@Edge role: `logs:*:<account>:log-group:/aws/lambda/us-east-1.<function>:*`',
    reason:
      'Lambda@Edge writes its logs in the region of the edge location that ran it, to a log group named after the ' +
      'function: the region cannot be fixed, the log group name is.',
  },
  runnerPlainEnvironment: {
    rule: 'AwsSolutions-ECS2',
    where: 'runner task definitions',
    reason:
      'What stays in the plain environment is not secret: the lake and site bucket URLs, NODE_ENV and the lease ' +
      'timings. The collector external id comes from SSM Parameter Store through the task secrets.',
  },
  viewerPoolFeaturePlan: {
    rule: 'AwsSolutions-COG8',
    where: 'dashboards user pool',
    reason:
      'The Plus feature plan (threat protection) is billed per monthly active user with no free tier. Viewers are ' +
      'few and created by an administrator only (no self sign-up), and every sign-in needs MFA.',
  },
  distributionGeoRestriction: {
    rule: 'AwsSolutions-CFR1',
    where: 'dashboards distribution',
    reason:
      'Viewers are staff of the organisation, wherever they work; every request must carry a valid Cognito ' +
      'sign-in, checked at the edge, instead.',
  },
  distributionWaf: {
    rule: 'AwsSolutions-CFR2',
    where: 'dashboards distribution',
    reason:
      'The site is static and private: a viewer-request Lambda@Edge refuses every request without a valid Cognito ' +
      'sign-in before it reaches the origin. A web ACL (from $5 a month plus per-request fees) would add rate ' +
      'limiting only.',
  },
  distributionDefaultCertificate: {
    rule: 'AwsSolutions-CFR4',
    where: 'dashboards distribution, only without `dashboards.custom_domain`',
    reason:
      'On the default `*.cloudfront.net` certificate CloudFront fixes the viewer security policy at TLSv1; it cannot ' +
      'be raised. With `dashboards.custom_domain` the distribution uses TLSv1.2_2021 and this suppression is not applied.',
  },
} as const satisfies Record<string, NagRationale>;

export type NagSuppressionName = keyof typeof NAG_SUPPRESSIONS;

/**
 * Accepts one finding on `construct` (and its CloudFormation children): `appliesTo` names the exact
 * wildcard findings (e.g. `Resource::*`) so that a new wildcard on the same resource still fails.
 */
export function suppressNag(construct: IConstruct, name: NagSuppressionName, appliesTo?: readonly string[]): void {
  const { rule, reason } = NAG_SUPPRESSIONS[name];
  NagSuppressions.addResourceSuppressions(
    construct,
    [{ id: rule, reason, ...(appliesTo ? { appliesTo: [...appliesTo] } : {}) }],
    true,
  );
}

/**
 * How cdk-nag prints a resource's ARN (`Fn::GetAtt [id, Arn]`) inside a finding: `<LogicalId.Arn>`,
 * with the logical id in the resource's own stack — also when another stack imports it.
 */
export function nagArnOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement;
  const stack = Stack.of(resource);
  return `<${stack.resolve(stack.getLogicalId(resource)) as string}.Arn>`;
}

/** The README "Security" table of the accepted findings, generated from NAG_SUPPRESSIONS. */
export function nagSuppressionTable(): string {
  const rows = Object.values(NAG_SUPPRESSIONS).map(({ rule, where, reason }) => `| ${rule} | ${where} | ${reason} |`);
  return ['| rule | where | why it stays |', '| --- | --- | --- |', ...rows].join('\n');
}

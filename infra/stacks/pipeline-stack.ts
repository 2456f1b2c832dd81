/**
 * The pipeline in the governance (or audit) account: the lake bucket, the runner as a Fargate task
 * (the repository's Dockerfile, or a pushed image), scheduled by EventBridge Scheduler — hourly
 * `meshwatch collect`, daily `meshwatch run` — with logs kept for a set time. The task role may
 * assume only the collector roles, put metrics only in the meshwatch namespace, publish only to
 * the on-call topic and touch only the lake, the org trail (read) and the dashboards site. The
 * runners take the lake lease (infra/runner/lake-lease.ts) so overlapping schedules never push
 * over each other. Access logs, VPC flow logs and Container Insights are on; the collector
 * external id reaches the task from SSM Parameter Store, not its plain environment.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Fn, Stack, type StackProps, Tags, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { collectorRoleArn, type Deployment, EDGE_REGION } from '../config/deployment.js';
import { AccessLogsBucket } from '../constructs/access-logs-bucket.js';
import { SecureBucket } from '../constructs/secure-bucket.js';
import { nagArnOf, suppressNag } from '../security/nag-suppressions.js';

/** The repository root: the Docker build context of the runner image. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the runner keeps its working copy of the lake inside the container. */
export const CONTAINER_LAKE_DIR = '/lake';

/** The meshwatch sub-command each schedule runs (after the global flags). */
export const SCHEDULED_COMMANDS = { collect: 'collect', run: 'run' } as const;

/** The container command of a schedule: meshwatch's global flags, the sub-command, its flags. */
export function scheduledArguments(deployment: Deployment, schedule: keyof typeof SCHEDULED_COMMANDS): string[] {
  const global = ['--config', deployment.infra.runner.config_file, '--lake', CONTAINER_LAKE_DIR];
  const sources = deployment.infra.schedules.collect_sources;
  if (schedule === 'collect' && sources.length > 0) return [...global, SCHEDULED_COMMANDS.collect, '--source', ...sources];
  return [...global, SCHEDULED_COMMANDS[schedule]];
}

/** The lake lease timing a schedule's task gets (read by infra/runner/entrypoint.ts). */
export function leaseEnvironment(deployment: Deployment, schedule: keyof typeof SCHEDULED_COMMANDS): Record<string, string> {
  const lease = deployment.infra.runner.lease;
  const waitMinutes = schedule === 'collect' ? lease.collect_wait_minutes : lease.run_wait_minutes;
  return {
    MESHWATCH_LEASE_TTL_SECONDS: String(lease.ttl_minutes * 60),
    MESHWATCH_LEASE_WAIT_SECONDS: String(waitMinutes * 60),
  };
}

export interface PipelineStackProps extends StackProps {
  readonly deployment: Deployment;
  readonly oncallTopic: sns.ITopic;
  /** The key the on-call topic is encrypted with: publishing needs it. */
  readonly oncallTopicKey: kms.IKey;
}

export class PipelineStack extends Stack {
  readonly lake: SecureBucket;
  /** Server access logs of the lake (and of the Athena results bucket), and the VPC flow logs. */
  readonly accessLogs: AccessLogsBucket;
  readonly externalIdParameter: ssm.StringParameter;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly taskDefinitions: Record<keyof typeof SCHEDULED_COMMANDS, ecs.FargateTaskDefinition>;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const { infra } = deployment;
    this.accessLogs = new AccessLogsBucket(this, 'AccessLogs', { retentionDays: infra.runner.log_retention_days });
    this.lake = new SecureBucket(this, 'Lake', {
      bucketName: deployment.lakeBucketName,
      accessLogs: { bucket: this.accessLogs.bucket, prefix: `s3/${deployment.lakeBucketName}/` },
      description: 'lake bucket',
      keyAlias: `alias/${deployment.namePrefix}-lake`,
      lifecycleRules: [
        {
          id: 'intelligent-tiering',
          transitions: [
            {
              storageClass: s3.StorageClass.INTELLIGENT_TIERING,
              transitionAfter: Duration.days(infra.lake.intelligent_tiering_after_days),
            },
          ],
          noncurrentVersionExpiration: Duration.days(infra.lake.noncurrent_version_expiry_days),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    this.logGroup = new logs.LogGroup(this, 'RunnerLogs', {
      logGroupName: `/${deployment.namePrefix}/runner`,
      retention: infra.runner.log_retention_days as logs.RetentionDays,
    });
    this.externalIdParameter = new ssm.StringParameter(this, 'ExternalId', {
      parameterName: `/${deployment.namePrefix}/runner/collector-external-id`,
      description: 'meshwatch: the sts:ExternalId the collector roles require (the task reads it as a secret)',
      stringValue: deployment.externalId,
    });
    this.taskRole = this.createTaskRole(deployment, props.oncallTopic, props.oncallTopicKey);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // Public subnets and no NAT gateway (~$32/month each): the task only calls AWS APIs outbound.
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    });
    // Every flow (accepted and rejected): the task talks only to AWS APIs, so this is small and
    // shows where the runner connected.
    vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toS3(this.accessLogs.bucket, 'vpc-flow-logs/'),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    const securityGroup = new ec2.SecurityGroup(this, 'RunnerSecurityGroup', {
      vpc,
      description: 'meshwatch runner: no inbound, HTTPS out to AWS APIs',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: `${deployment.namePrefix}`,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = infra.runner.image_uri
      ? ecs.ContainerImage.fromRegistry(infra.runner.image_uri)
      : ecs.ContainerImage.fromAsset(REPOSITORY_ROOT, { file: 'Dockerfile' });
    this.taskDefinitions = {
      collect: this.taskDefinition('Collect', 'collect', image, deployment),
      run: this.taskDefinition('Run', 'run', image, deployment),
    };
    const scheduleTarget = (taskDefinition: ecs.FargateTaskDefinition) =>
      new targets.EcsRunFargateTask(cluster, {
        taskDefinition,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        securityGroups: [securityGroup],
        assignPublicIp: true,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      });
    const timeZone = TimeZone.of(infra.schedules.timezone);
    new scheduler.Schedule(this, 'CollectSchedule', {
      scheduleName: `${deployment.namePrefix}-collect`,
      description: 'meshwatch collect: sources into the lake',
      schedule: scheduler.ScheduleExpression.expression(infra.schedules.collect, timeZone),
      target: scheduleTarget(this.taskDefinitions.collect),
    });
    new scheduler.Schedule(this, 'RunSchedule', {
      scheduleName: `${deployment.namePrefix}-run`,
      description: 'meshwatch run: collect, transform, reports, alerts, dashboards',
      schedule: scheduler.ScheduleExpression.expression(infra.schedules.run, timeZone),
      target: scheduleTarget(this.taskDefinitions.run),
    });
    new CfnOutput(this, 'LakeBucketName', { value: this.lake.bucket.bucketName, description: 'the lake (MESHWATCH_LAKE_S3)' });
    new CfnOutput(this, 'RunnerLogGroup', { value: this.logGroup.logGroupName, description: 'runner logs' });
    Tags.of(this).add('meshwatch:component', 'pipeline');
  }

  /**
   * The region's first two zones, resolved by CloudFormation (Fn::GetAZs) at deploy time instead of
   * a context lookup at synth, which would need credentials.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }

  private taskDefinition(
    id: string,
    schedule: keyof typeof SCHEDULED_COMMANDS,
    image: ecs.ContainerImage,
    deployment: Deployment,
  ): ecs.FargateTaskDefinition {
    const command = SCHEDULED_COMMANDS[schedule];
    const definition = new ecs.FargateTaskDefinition(this, `${id}Task`, {
      family: `${deployment.namePrefix}-${command}`,
      cpu: deployment.infra.runner.cpu,
      memoryLimitMiB: deployment.infra.runner.memory_mib,
      taskRole: this.taskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    definition.addContainer('meshwatch', {
      image,
      command: scheduledArguments(deployment, schedule),
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: command }),
      environment: {
        MESHWATCH_LAKE_S3: `s3://${deployment.lakeBucketName}/`,
        MESHWATCH_SITE_S3: `s3://${deployment.siteBucketName}/`,
        NODE_ENV: 'production',
        ...leaseEnvironment(deployment, schedule),
      },
      // Injected by ECS from Parameter Store at start: not in the task definition for anyone who can describe it.
      secrets: { [deployment.externalIdEnv]: ecs.Secret.fromSsmParameter(this.externalIdParameter) },
    });
    suppressNag(definition, 'runnerPlainEnvironment');
    // The execution role CDK makes for the image pull and the logs (not the task role).
    suppressNag(definition.obtainExecutionRole(), 'executionRoleAuthToken', ['Resource::*']);
    return definition;
  }

  private createTaskRole(deployment: Deployment, topic: sns.ITopic, topicKey: kms.IKey): iam.Role {
    const role = new iam.Role(this, 'TaskRole', {
      roleName: deployment.taskRoleName,
      description: 'meshwatch runner: assumes the collector roles, writes the lake, publishes alerts',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': deployment.pipeline.account } },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCollectorRolesOnly',
        actions: ['sts:AssumeRole'],
        resources: deployment.accounts.map((account) => collectorRoleArn(deployment, account.id)),
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutMeshwatchMetricsOnly',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': deployment.metricsNamespace } },
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ sid: 'PublishOncall', actions: ['sns:Publish'], resources: [topic.topicArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptOncallMessages',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [topicKey.keyArn],
      }),
    );
    this.grantLakeSync(role);
    this.grantOrgTrailRead(role, deployment);
    this.grantSiteUpload(role, deployment);
    suppressNag(role, 'runnerMetricsNamespace', ['Resource::*']);
    return role;
  }

  /**
   * What the sync and the lake lease do, and no more: get, put (conditional ones too: S3 checks
   * If-None-Match and If-Match under s3:PutObject) and delete objects — a conditional delete also
   * needs s3:GetObject — list the bucket (so a missing key is 404, not 403), use the lake key.
   */
  private grantLakeSync(role: iam.Role): void {
    const { bucket, key } = this.lake;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SyncLakeObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ListLake', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'UseLakeKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }),
    );
    suppressNag(role, 'runnerLakeObjects', [`Resource::${nagArnOf(bucket)}/*`]);
  }

  private grantOrgTrailRead(role: iam.Role, deployment: Deployment): void {
    const { bucket_name: bucket, prefix, kms_key_arn: keyArn } = deployment.infra.org_trail;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOrgTrailObjects',
        actions: ['s3:GetObject'],
        resources: [`arn:aws:s3:::${bucket}/${prefix}AWSLogs/*`],
      }),
    );
    suppressNag(role, 'runnerOrgTrailObjects', [`Resource::arn:aws:s3:::${bucket}/${prefix}AWSLogs/*`]);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListOrgTrailBucket',
        actions: ['s3:ListBucket'],
        resources: [`arn:aws:s3:::${bucket}`],
        conditions: { StringLike: { 's3:prefix': [`${prefix}AWSLogs/*`, `${prefix}AWSLogs/`] } },
      }),
    );
    if (keyArn) {
      role.addToPolicy(new iam.PolicyStatement({ sid: 'DecryptOrgTrail', actions: ['kms:Decrypt'], resources: [keyArn] }));
    }
  }

  /** The site bucket lives in us-east-1 (beside CloudFront); it is named, and its key found by alias. */
  private grantSiteUpload(role: iam.Role, deployment: Deployment): void {
    const bucketArn = `arn:aws:s3:::${deployment.siteBucketName}`;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UploadDashboardsSite',
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:GetObject'],
        resources: [`${bucketArn}/*`],
      }),
    );
    suppressNag(role, 'runnerSiteObjects', [`Resource::${bucketArn}/*`]);
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ListDashboardsSite', actions: ['s3:ListBucket'], resources: [bucketArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptDashboardsSite',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [`arn:aws:kms:${EDGE_REGION}:${deployment.pipeline.account}:key/*`],
        conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': deployment.siteKeyAlias } },
      }),
    );
    suppressNag(role, 'runnerSiteKey', [`Resource::arn:aws:kms:${EDGE_REGION}:${deployment.pipeline.account}:key/*`]);
  }
}

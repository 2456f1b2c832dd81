/**
 * The pipeline in the governance (or audit) account: the lake bucket, the runner as a Fargate task
 * (the repository's Dockerfile, or a pushed image), scheduled by EventBridge Scheduler — hourly
 * `meshwatch collect`, daily `meshwatch run` — with logs kept for a set time. The task role may
 * assume only the collector roles, put metrics only in the meshwatch namespace and publish only to
 * the on-call topic.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Fn, Stack, type StackProps, Tags, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { collectorRoleArn, type Deployment, EDGE_REGION } from '../config/deployment.js';
import { SecureBucket } from '../constructs/secure-bucket.js';

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

export interface PipelineStackProps extends StackProps {
  readonly deployment: Deployment;
  readonly oncallTopic: sns.ITopic;
}

export class PipelineStack extends Stack {
  readonly lake: SecureBucket;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly taskDefinitions: Record<keyof typeof SCHEDULED_COMMANDS, ecs.FargateTaskDefinition>;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const { infra } = deployment;
    this.lake = new SecureBucket(this, 'Lake', {
      bucketName: deployment.lakeBucketName,
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
    this.taskRole = this.createTaskRole(deployment, props.oncallTopic);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // Public subnets and no NAT gateway (~$32/month each): the task only calls AWS APIs outbound.
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    });
    const securityGroup = new ec2.SecurityGroup(this, 'RunnerSecurityGroup', {
      vpc,
      description: 'meshwatch runner: no inbound, HTTPS out to AWS APIs',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, clusterName: `${deployment.namePrefix}` });
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
        MESHWATCH_EXTERNAL_ID: deployment.externalId,
        NODE_ENV: 'production',
      },
    });
    return definition;
  }

  private createTaskRole(deployment: Deployment, topic: sns.ITopic): iam.Role {
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
    topic.grantPublish(role);
    this.lake.bucket.grantReadWrite(role);
    this.grantOrgTrailRead(role, deployment);
    this.grantSiteUpload(role, deployment);
    return role;
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
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ListDashboardsSite', actions: ['s3:ListBucket'], resources: [bucketArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptDashboardsSite',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [`arn:aws:kms:${EDGE_REGION}:${deployment.pipeline.account}:key/*`],
        conditions: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': deployment.siteKeyAlias } },
      }),
    );
  }
}

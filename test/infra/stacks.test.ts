import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_METRICS, METRIC_DIMENSIONS, PII_NEW_READER_RULE } from '../../infra/alerting/metrics.js';
import { LEASE_KEY } from '../../infra/runner/lake-lease.js';
import { SCHEDULED_COMMANDS } from '../../infra/stacks/pipeline-stack.js';
import { MANAGEMENT_ACCOUNT_ACTIONS, managementAccountActions, memberAccountActions } from '../../ingest/aws/permissions.js';
import { declaredShapes, inHiveTypes, synthesisedGlueTables } from './glue-tables.js';
import {
  asList,
  FIXTURE_PRODUCTS,
  type PolicyStatementJson,
  type SynthesizedApp,
  synthesizeRepositoryApp,
} from './synth-fixture.js';

let synthesized: SynthesizedApp;

beforeAll(async () => {
  synthesized = await synthesizeRepositoryApp();
});

const template = (id: string) => synthesized.templates.get(id) as Template;

function resources(t: Template, type: string): [string, Record<string, unknown>][] {
  return Object.entries(t.findResources(type)).map(([id, resource]) => [
    id,
    (resource as { Properties: Record<string, unknown> }).Properties,
  ]);
}

function statementsOf(document: unknown): PolicyStatementJson[] {
  return asList((document as { Statement: PolicyStatementJson | PolicyStatementJson[] }).Statement);
}

function managedPolicyActions(t: Template): string[] {
  return resources(t, 'AWS::IAM::ManagedPolicy')
    .flatMap(([, properties]) => statementsOf(properties.PolicyDocument))
    .flatMap((statement) => asList(statement.Action))
    .sort();
}

describe('CollectorRoleStack', () => {
  it('creates one collector role stack per configured account, in that account', () => {
    // Act
    const deployed = synthesized.built.collectorRoles.map((stack) => stack.account).sort();

    // Assess
    expect(deployed).toEqual(synthesized.built.deployment.accounts.map((account) => account.id).sort());
  });

  it('gives member accounts exactly the actions the collectors call', () => {
    for (const stack of synthesized.built.collectorRoles.filter(
      (candidate) => candidate.account !== synthesized.built.deployment.managementAccountId,
    )) {
      expect(managedPolicyActions(template(stack.node.id)), stack.node.id).toEqual(memberAccountActions());
    }
  });

  it('gives the management account the member actions plus Cost Explorer and Organizations, and no one else those', () => {
    // Prepare
    const managementOnly = Object.values(MANAGEMENT_ACCOUNT_ACTIONS).flat() as string[];
    const management = synthesized.built.collectorRoles.filter(
      (stack) => stack.account === synthesized.built.deployment.managementAccountId,
    );

    // Assess
    expect(management).toHaveLength(1);
    expect(managedPolicyActions(template(management[0]?.node.id as string))).toEqual(managementAccountActions());
    for (const stack of synthesized.built.collectorRoles.filter((candidate) => candidate !== management[0])) {
      const actions = managedPolicyActions(template(stack.node.id));
      expect(
        actions.filter((action) => managementOnly.includes(action)),
        stack.node.id,
      ).toEqual([]);
    }
  });

  it('trusts only the meshwatch task role, with the external id', () => {
    const { deployment } = synthesized.built;
    for (const stack of synthesized.built.collectorRoles) {
      // Act
      const [, role] = resources(template(stack.node.id), 'AWS::IAM::Role')[0] as [string, Record<string, unknown>];
      const trust = statementsOf(role.AssumeRolePolicyDocument);

      // Assess
      expect(role.RoleName).toBe(deployment.collectorRoleName);
      expect(trust).toHaveLength(1);
      expect(trust[0]?.Action).toBe('sts:AssumeRole');
      expect(JSON.stringify(trust[0]?.Principal)).toContain(`:iam::${deployment.pipeline.account}:root`);
      expect(trust[0]?.Condition).toEqual({
        StringEquals: { 'aws:PrincipalArn': deployment.taskRoleArn, 'sts:ExternalId': synthesized.infra.collector.external_id },
      });
    }
  });
});

describe('CollectorRoleStack resource scoping', () => {
  const statementsOfStack = (id: string) =>
    resources(template(id), 'AWS::IAM::ManagedPolicy').flatMap(([, properties]) => statementsOf(properties.PolicyDocument));

  it('names the Glue catalog and Athena workgroups of its own account in the configured regions only', () => {
    const { deployment } = synthesized.built;
    for (const stack of synthesized.built.collectorRoles) {
      // Act
      const statements = statementsOfStack(stack.node.id);
      const glue = statements.find((statement) => statement.Sid === 'GlueCatalogRead');
      const athena = statements.find((statement) => statement.Sid === 'AthenaWorkgroupRead');

      // Assess
      expect(asList(glue?.Resource as string[]).sort()).toEqual(
        deployment.regions
          .flatMap((region) => [
            `arn:aws:glue:${region}:${stack.account}:catalog`,
            `arn:aws:glue:${region}:${stack.account}:database/*`,
            `arn:aws:glue:${region}:${stack.account}:table/*/*`,
          ])
          .sort(),
      );
      expect(asList(athena?.Resource as string[]).sort()).toEqual(
        deployment.regions.map((region) => `arn:aws:athena:${region}:${stack.account}:workgroup/*`).sort(),
      );
    }
  });

  it('grants on "*" only actions that take no resource ARN, and ListTagsForResource on the organisation\'s accounts', () => {
    // Prepare: per the Service Authorization Reference, these accept no resource type
    const withoutResourceTypes = [
      ...MANAGEMENT_ACCOUNT_ACTIONS.cost_explorer,
      'organizations:ListAccounts',
      'lakeformation:ListPermissions',
      'lakeformation:GetDataLakeSettings',
      'lakeformation:ListLFTags',
      'lakeformation:GetResourceLFTags',
      'lakeformation:SearchTablesByLFTags',
      'cloudtrail:LookupEvents',
      'athena:ListWorkGroups',
    ];
    const { deployment } = synthesized.built;
    for (const stack of synthesized.built.collectorRoles) {
      // Act
      const statements = statementsOfStack(stack.node.id);
      const onEverything = statements.filter((statement) => asList(statement.Resource as string[]).includes('*'));
      const tags = statements.filter((statement) => asList(statement.Action).includes('organizations:ListTagsForResource'));

      // Assess
      for (const action of onEverything.flatMap((statement) => asList(statement.Action))) {
        expect(withoutResourceTypes, `${stack.node.id}: ${action} on *`).toContain(action);
      }
      if (stack.account === deployment.managementAccountId) {
        expect(tags.map((statement) => statement.Resource)).toEqual([
          `arn:aws:organizations::${stack.account}:account/${deployment.organizationId}/*`,
        ]);
      } else {
        expect(tags).toEqual([]);
      }
    }
  });
});

describe('PipelineStack', () => {
  const pipeline = () => template(synthesized.built.pipeline.node.id);

  it('keeps the lake in its named bucket, moving objects to Intelligent-Tiering', () => {
    pipeline().hasResourceProperties('AWS::S3::Bucket', {
      BucketName: synthesized.infra.lake.bucket_name,
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Status: 'Enabled',
            Transitions: [
              { StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: synthesized.infra.lake.intelligent_tiering_after_days },
            ],
          }),
        ]),
      },
    });
  });

  it('schedules hourly collect and daily run with the configured expressions and commands', () => {
    // Prepare
    const taskDefinitions = Object.fromEntries(resources(pipeline(), 'AWS::ECS::TaskDefinition'));
    const commandOf = (schedule: Record<string, unknown>) => {
      const target = schedule.Target as { EcsParameters: { TaskDefinitionArn: { Ref: string } } };
      const definition = taskDefinitions[target.EcsParameters.TaskDefinitionArn.Ref] as {
        ContainerDefinitions: { Command: string[] }[];
      };
      return definition.ContainerDefinitions[0]?.Command;
    };

    // Act
    const schedules = resources(pipeline(), 'AWS::Scheduler::Schedule').map(([, properties]) => ({
      expression: properties.ScheduleExpression,
      command: commandOf(properties),
    }));

    // Assess
    const config = synthesized.infra.runner.config_file;
    const sources = synthesized.infra.schedules.collect_sources;
    expect(sources).not.toContain('cost_explorer');
    expect(schedules).toEqual(
      expect.arrayContaining([
        {
          expression: synthesized.infra.schedules.collect,
          command: ['--config', config, '--lake', '/lake', SCHEDULED_COMMANDS.collect, '--source', ...sources],
        },
        { expression: synthesized.infra.schedules.run, command: ['--config', config, '--lake', '/lake', SCHEDULED_COMMANDS.run] },
      ]),
    );
    expect(schedules).toHaveLength(2);
  });

  it('runs the task on Fargate with the configured size and logs to the retained log group', () => {
    pipeline().hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      Cpu: String(synthesized.infra.runner.cpu),
      Memory: String(synthesized.infra.runner.memory_mib),
      ContainerDefinitions: [Match.objectLike({ LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }) })],
    });
    pipeline().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: synthesized.infra.runner.log_retention_days });
  });

  it('lets the task role assume only the collector roles, put metrics only in the namespace and publish only to the topic', () => {
    // Prepare
    const { deployment } = synthesized.built;
    const taskRolePolicies = resources(pipeline(), 'AWS::IAM::Policy').filter(([, properties]) =>
      JSON.stringify(properties.Roles).includes('TaskRole'),
    );
    const statements = taskRolePolicies.flatMap(([, properties]) => statementsOf(properties.PolicyDocument));
    const withAction = (action: string) => statements.filter((statement) => asList(statement.Action).includes(action));

    // Assess
    expect(withAction('sts:AssumeRole')).toHaveLength(1);
    expect(asList(withAction('sts:AssumeRole')[0]?.Resource as string[]).sort()).toEqual(
      deployment.accounts.map((account) => `arn:aws:iam::${account.id}:role/${deployment.collectorRoleName}`).sort(),
    );
    expect(withAction('cloudwatch:PutMetricData')).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'cloudwatch:namespace': deployment.metricsNamespace } } }),
    ]);
    const publish = withAction('sns:Publish');
    expect(publish).toHaveLength(1);
    expect(JSON.stringify(publish[0]?.Resource)).toContain('OncallTopic');
  });

  it('names the task role as the collector roles trust it', () => {
    pipeline().hasResourceProperties('AWS::IAM::Role', { RoleName: synthesized.built.deployment.taskRoleName });
  });

  it('lets the task role take, renew, check and release the lake lease, and nothing wider on the lake than object get/put/delete', () => {
    // Prepare: resolve the lake bucket ARN the statements refer to, then match their resources like IAM does
    const lakeId = Object.entries(pipeline().findResources('AWS::S3::Bucket')).find(
      ([, bucket]) =>
        (bucket as { Properties: { BucketName?: string } }).Properties.BucketName === synthesized.infra.lake.bucket_name,
    )?.[0] as string;
    const lakeArn = `arn:aws:s3:::${synthesized.infra.lake.bucket_name}`;
    const resolveArn = (resource: unknown): string =>
      JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [lakeId, 'Arn'] })
        ? lakeArn
        : typeof resource === 'string'
          ? resource
          : ((resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? []).map(resolveArn).join('');
    const globMatches = (pattern: string, arn: string) =>
      new RegExp(
        `^${pattern
          .split('*')
          .map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
          .join('.*')}$`,
      ).test(arn);
    const taskRoleStatements = resources(pipeline(), 'AWS::IAM::Policy')
      .filter(([, properties]) => JSON.stringify(properties.Roles).includes('TaskRole'))
      .flatMap(([, properties]) => statementsOf(properties.PolicyDocument));
    const allows = (action: string, arn: string) =>
      taskRoleStatements.some(
        (statement) =>
          statement.Effect === 'Allow' &&
          asList(statement.Action).includes(action) &&
          asList(statement.Resource as unknown[]).some((resource) => globMatches(resolveArn(resource), arn)),
      );
    const leaseArn = `${lakeArn}/${LEASE_KEY}`;

    // Assess: create / renew / take over are PutObject (If-None-Match, If-Match), read and the
    // conditional delete need GetObject, release is DeleteObject; a missing key is a 404 only with ListBucket
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']) expect(allows(action, leaseArn), action).toBe(true);
    expect(allows('s3:ListBucket', lakeArn)).toBe(true);
    const lakeActions = taskRoleStatements
      .filter((statement) => asList(statement.Resource as unknown[]).some((resource) => resolveArn(resource).startsWith(lakeArn)))
      .flatMap((statement) => asList(statement.Action))
      .sort();
    expect(lakeActions).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('gives each schedule its lease timing and the external id as a secret from SSM, never in the plain environment', () => {
    // Prepare
    const lease = synthesized.infra.runner.lease;
    const definitions = resources(pipeline(), 'AWS::ECS::TaskDefinition').map(([, properties]) => {
      const [container] = properties.ContainerDefinitions as {
        Command: string[];
        Environment: { Name: string; Value: string }[];
        Secrets: { Name: string; ValueFrom: unknown }[];
      }[];
      return container as NonNullable<typeof container>;
    });

    // Assess
    expect(definitions).toHaveLength(2);
    for (const container of definitions) {
      const environment = Object.fromEntries(container.Environment.map(({ Name, Value }) => [Name, Value]));
      const wait = container.Command.includes(SCHEDULED_COMMANDS.collect) ? lease.collect_wait_minutes : lease.run_wait_minutes;
      expect(environment).toMatchObject({
        MESHWATCH_LEASE_TTL_SECONDS: String(lease.ttl_minutes * 60),
        MESHWATCH_LEASE_WAIT_SECONDS: String(wait * 60),
      });
      expect(JSON.stringify(container.Environment)).not.toContain(synthesized.infra.collector.external_id);
      expect(container.Secrets.map((secret) => secret.Name)).toEqual([synthesized.built.deployment.externalIdEnv]);
    }
    pipeline().hasResourceProperties('AWS::SSM::Parameter', { Value: synthesized.infra.collector.external_id });
  });

  it('reads the org-trail bucket and decrypts with its key, both from the infra config', () => {
    const statements = resources(pipeline(), 'AWS::IAM::Policy').flatMap(([, properties]) =>
      statementsOf(properties.PolicyDocument),
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${synthesized.infra.org_trail.bucket_name}/AWSLogs/*`,
        }),
        expect.objectContaining({ Action: 'kms:Decrypt', Resource: synthesized.infra.org_trail.kms_key_arn }),
      ]),
    );
  });
});

describe('AlertingStack', () => {
  const alerting = () => template(synthesized.built.alerting.node.id);

  it('encrypts the on-call topic with its own KMS key', () => {
    alerting().hasResourceProperties('AWS::SNS::Topic', {
      TopicName: synthesized.built.deployment.oncallTopicName,
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  it('points every alarm and OK action at the on-call topic', () => {
    // Prepare
    const [topicId] = Object.keys(alerting().findResources('AWS::SNS::Topic'));
    const alarms = resources(alerting(), 'AWS::CloudWatch::Alarm');

    // Assess
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect(alarm.AlarmActions, id).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions, id).toEqual([{ Ref: topicId }]);
      expect(alarm.Namespace, id).toBe(synthesized.built.deployment.metricsNamespace);
    }
  });

  it('alarms on each product at its contract max lag, falling back to the configured default', () => {
    for (const product of FIXTURE_PRODUCTS) {
      alerting().hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: ALERT_METRICS.freshnessLagHours,
        Dimensions: Match.arrayWith([{ Name: METRIC_DIMENSIONS.product, Value: product.product }]),
        Threshold: product.maxLagHours ?? synthesized.infra.alarms.default_max_lag_hours,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('alarms on grant drift per domain and on PII new readers', () => {
    const domains = new Set(synthesized.built.deployment.accounts.map((account) => account.domain));
    const drift = resources(alerting(), 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.MetricName === ALERT_METRICS.grantDriftCount,
    );
    expect(drift).toHaveLength(domains.size);
    alerting().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: ALERT_METRICS.openAlerts,
      Dimensions: [{ Name: METRIC_DIMENSIONS.rule, Value: PII_NEW_READER_RULE }],
      Threshold: synthesized.infra.alarms.pii_new_readers_threshold,
    });
  });

  it('has a CloudWatch dashboard over the meshwatch metrics', () => {
    const [[, board]] = resources(alerting(), 'AWS::CloudWatch::Dashboard') as [[string, { DashboardBody: unknown }]];
    expect(JSON.stringify(board.DashboardBody)).toContain(ALERT_METRICS.freshnessLagHours);
  });
});

describe('AnalyticsStack', () => {
  const analytics = () => template(synthesized.built.analytics.node.id);

  it('projects cloudtrail partitions by event_date and the configured accounts', () => {
    const accounts = synthesized.built.deployment.accounts.map((account) => account.id).join(',');
    const location = `s3://${synthesized.infra.lake.bucket_name}/cloudtrail/`;
    analytics().hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'cloudtrail',
        PartitionKeys: [
          { Name: 'event_date', Type: 'date' },
          { Name: 'account_id', Type: 'string' },
        ],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.event_date.type': 'date',
          'projection.event_date.format': 'yyyy-MM-dd',
          'projection.account_id.type': 'enum',
          'projection.account_id.values': accounts,
          'storage.location.template': `${location}event_date=\${event_date}/account_id=\${account_id}/`,
        }),
        StorageDescriptor: Match.objectLike({ Location: location }),
      }),
    });
  });

  it('has a Glue table for every declared dataset and mart, with the declared columns, order and types', () => {
    const synthesised = synthesisedGlueTables(analytics());
    const declared = declaredShapes();
    expect([...synthesised.keys()].sort()).toEqual([...declared.keys()].sort());
    for (const [name, shape] of declared) expect({ name, ...synthesised.get(name) }).toEqual({ name, ...inHiveTypes(shape) });
    // the columns the hand-written tables lacked
    expect(synthesised.get('data_access')?.columns).toEqual(expect.arrayContaining(['grant_path string', 'grant_detail string']));
    expect([...synthesised.keys()]).toEqual(
      expect.arrayContaining(['lf_settings_current', 'lf_tag_coverage', 'athena_query_costs', 'chargeback_focus', 'glue_tables']),
    );
  });

  it('projects every partition key: days, months, accounts, regions and collector names', () => {
    const tableParameters = (name: string) => {
      const found = resources(analytics(), 'AWS::Glue::Table').find(
        ([, table]) => (table.TableInput as { Name: string }).Name === name,
      );
      if (!found) throw new Error(`no Glue table ${name} in the analytics stack`);
      return (found[1].TableInput as { Parameters: Record<string, string> }).Parameters;
    };
    expect(tableParameters('athena_queries')).toMatchObject({
      'projection.submitted_month.type': 'date',
      'projection.submitted_month.format': 'yyyy-MM',
      'projection.submitted_month.interval.unit': 'MONTHS',
    });
    expect(tableParameters('glue_tables')['projection.region.values']).toBe(synthesized.built.deployment.regions.join(','));
    expect(tableParameters('collection_errors')['projection.source.values']?.split(',')).toContain('lakeformation');
  });

  it('enforces the workgroup result location, encrypted with KMS, and the bytes-scanned cutoff', () => {
    analytics().hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: synthesized.infra.athena.workgroup,
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: synthesized.infra.athena.bytes_scanned_cutoff_per_query,
        ResultConfiguration: {
          OutputLocation: Match.anyValue(),
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() },
        },
      }),
    });
  });
});

describe('AnalyticsStack Lake Formation grants', () => {
  it('grants each configured reader DESCRIBE on the database and SELECT on every table', () => {
    // Prepare
    const analytics = template(synthesized.built.analytics.node.id);
    const readers = synthesized.infra.athena.reader_principals;
    expect(readers.length).toBeGreaterThan(0);

    for (const principal of readers) {
      // Assess
      analytics.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
        Principal: { DataLakePrincipalIdentifier: principal },
        Resource: { Database: Match.objectLike({ Name: synthesized.infra.athena.database }) },
        Permissions: ['DESCRIBE'],
      });
      analytics.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
        Principal: { DataLakePrincipalIdentifier: principal },
        Resource: { Table: Match.objectLike({ DatabaseName: synthesized.infra.athena.database, TableWildcard: {} }) },
        Permissions: ['SELECT', 'DESCRIBE'],
        PermissionsWithGrantOption: [],
      });
    }
  });
});

describe('DashboardsHostingStack', () => {
  const hosting = () => template(synthesized.built.dashboards.node.id);

  it('is deployed in us-east-1, where Lambda@Edge must live', () => {
    expect(synthesized.built.dashboards.region).toBe('us-east-1');
  });

  it('checks viewer authentication on every request with Lambda@Edge, over HTTPS only', () => {
    hosting().hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: Match.anyValue() }],
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
  });

  it('signs viewers in through a Cognito pool without self sign-up and with MFA', () => {
    hosting().hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
    hosting().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
    });
  });

  it('sends HSTS, a same-origin content security policy and no-framing headers', () => {
    hosting().hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ IncludeSubdomains: true }),
          ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'self'") }),
          FrameOptions: Match.objectLike({ FrameOption: 'DENY' }),
          ContentTypeOptions: Match.anyValue(),
        }),
      }),
    });
  });

  it('lets only CloudFront (through OAC) read the site bucket', () => {
    const siteBucketId = Object.entries(hosting().findResources('AWS::S3::Bucket')).find(
      ([, bucket]) =>
        (bucket as { Properties: { BucketName?: string } }).Properties.BucketName ===
        synthesized.infra.dashboards.site_bucket_name,
    )?.[0];
    const policies = resources(hosting(), 'AWS::S3::BucketPolicy')
      .filter(([, policy]) => JSON.stringify(policy.Bucket) === JSON.stringify({ Ref: siteBucketId }))
      .flatMap(([, policy]) => statementsOf(policy.PolicyDocument));
    const allows = policies.filter((statement) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const statement of allows) expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
  });
});

/**
 * Builds the whole CDK app from the two configs: a collector-role stack per member account, and in
 * the pipeline account the alerting, pipeline, analytics and dashboards-hosting stacks. Every stack
 * has an explicit env (account and region from the configs) and nothing needs a lookup, so synth
 * runs offline with no credentials.
 */
import { App, type Stack } from 'aws-cdk-lib';
import type { MeshwatchConfig } from '../lib/config/schema.js';
import type { ProductContract } from './config/contracts.js';
import { type Deployment, EDGE_REGION, resolveDeployment, stackNamePart } from './config/deployment.js';
import type { InfraConfig } from './config/infra-config.js';
import { AlertingStack } from './stacks/alerting-stack.js';
import { AnalyticsStack } from './stacks/analytics-stack.js';
import { CollectorRoleStack } from './stacks/collector-role-stack.js';
import { DashboardsHostingStack } from './stacks/dashboards-hosting-stack.js';
import { PipelineStack } from './stacks/pipeline-stack.js';

export interface MeshwatchAppOptions {
  readonly meshwatch: Pick<MeshwatchConfig, 'organization' | 'regions' | 'aws' | 'alerts' | 'sources'>;
  readonly infra: InfraConfig;
  readonly products: readonly ProductContract[];
  /** Where `app.synth()` writes the cloud assembly; default infra/cdk.out (see bin/app.ts). */
  readonly outdir?: string;
}

export interface MeshwatchApp {
  readonly app: App;
  readonly deployment: Deployment;
  readonly collectorRoles: readonly CollectorRoleStack[];
  readonly alerting: AlertingStack;
  readonly pipeline: PipelineStack;
  readonly analytics: AnalyticsStack;
  readonly dashboards: DashboardsHostingStack;
  readonly stacks: readonly Stack[];
}

export function buildMeshwatchApp(options: MeshwatchAppOptions): MeshwatchApp {
  const deployment = resolveDeployment(options.meshwatch, options.infra);
  const app = new App({ outdir: options.outdir });
  const prefix = stackNamePart(deployment.namePrefix.replace(/^./, (first) => first.toUpperCase()));
  const home = { account: deployment.pipeline.account, region: deployment.pipeline.region };
  const collectorRoles = deployment.accounts.map(
    (account) =>
      new CollectorRoleStack(app, `${prefix}CollectorRole-${stackNamePart(account.name)}`, {
        env: { account: account.id, region: deployment.collectorRegion },
        description: `meshwatch read-only collector role in ${account.name} (${account.kind})`,
        deployment,
        account,
      }),
  );
  const alerting = new AlertingStack(app, `${prefix}Alerting`, {
    env: home,
    description: 'meshwatch on-call topic, alarms and dashboard',
    deployment,
    products: options.products,
  });
  const pipeline = new PipelineStack(app, `${prefix}Pipeline`, {
    env: home,
    description: 'meshwatch lake bucket and scheduled runner',
    deployment,
    oncallTopic: alerting.topic,
    oncallTopicKey: alerting.topicKey,
  });
  const analytics = new AnalyticsStack(app, `${prefix}Analytics`, {
    env: home,
    description: 'meshwatch Glue tables and Athena workgroup over the lake',
    deployment,
    lakeBucket: pipeline.lake.bucket,
    lakeKey: pipeline.lake.key,
    accessLogs: pipeline.accessLogs.bucket,
  });
  const dashboards = new DashboardsHostingStack(app, `${prefix}Dashboards`, {
    env: { account: deployment.pipeline.account, region: EDGE_REGION },
    description: 'meshwatch dashboards behind CloudFront with Cognito sign-in',
    deployment,
  });
  return {
    app,
    deployment,
    collectorRoles,
    alerting,
    pipeline,
    analytics,
    dashboards,
    stacks: [...collectorRoles, alerting, pipeline, analytics, dashboards],
  };
}

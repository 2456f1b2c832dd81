/**
 * One resolved view of a deployment: the meshwatch config (accounts, regions, org id, collector
 * role name, alert namespace, contracts) merged with the infra config, with every default applied
 * and every name and ARN the stacks share computed once — so no stack needs a cross-account or
 * cross-region lookup, and synth works offline with no credentials.
 */
import type { AccountConfig, MeshwatchConfig } from '../../lib/config/schema.js';
import { ConfigError } from '../../lib/errors.js';
import type { InfraConfig } from './infra-config.js';

/** Lambda@Edge functions and their viewer-auth settings must live in us-east-1. */
export const EDGE_REGION = 'us-east-1';

export interface Deployment {
  readonly organizationId: string;
  readonly accounts: readonly AccountConfig[];
  /** The account of kind management (the payer): the only one whose role gets Cost Explorer and Organizations. */
  readonly managementAccountId: string | undefined;
  readonly pipeline: { readonly account: string; readonly region: string };
  readonly collectorRoleName: string;
  readonly collectorRegion: string;
  /**
   * The regions the collectors call (the meshwatch config's `regions`): the collector policies name
   * only these, and the Athena tables project their `region` partitions from them.
   */
  readonly regions: readonly string[];
  readonly externalId: string;
  /** The environment variable the CLI reads the external id from (aws.roles.external_id_env). */
  readonly externalIdEnv: string;
  readonly taskRoleName: string;
  readonly taskRoleArn: string;
  readonly metricsNamespace: string;
  readonly oncallTopicName: string;
  readonly oncallTopicArn: string;
  readonly lakeBucketName: string;
  readonly siteBucketName: string;
  readonly siteKeyAlias: string;
  readonly namePrefix: string;
  readonly contractsDir: string | undefined;
  readonly infra: InfraConfig;
}

type MeshwatchInput = Pick<MeshwatchConfig, 'organization' | 'regions' | 'aws' | 'alerts' | 'sources'>;

export function resolveDeployment(meshwatch: MeshwatchInput, infra: InfraConfig): Deployment {
  const accounts = meshwatch.organization.accounts;
  if (accounts.length === 0) {
    throw new ConfigError('the meshwatch config lists no accounts, so there is nowhere to deploy collector roles', {
      context: { key: 'organization.accounts' },
      hint: 'list every member account under organization.accounts with its id, name, domain and kind',
    });
  }
  const pipelineAccount = infra.pipeline.account ?? accounts.find((account) => account.kind === 'governance')?.id;
  if (!pipelineAccount) {
    throw new ConfigError('no pipeline account: set pipeline.account in the infra config or give one account kind governance', {
      context: { key: 'pipeline.account' },
      hint: 'the pipeline runs in the governance account or a dedicated audit account',
    });
  }
  const region = infra.pipeline.region ?? meshwatch.regions[0] ?? 'us-east-1';
  const prefix = infra.pipeline.name_prefix;
  const taskRoleName = `${prefix}-runner-task`;
  const topicName = `${prefix}-oncall`;
  return {
    organizationId: meshwatch.organization.id,
    accounts,
    managementAccountId: accounts.find((account) => account.kind === 'management')?.id,
    pipeline: { account: pipelineAccount, region },
    collectorRoleName: meshwatch.aws.roles.collector,
    collectorRegion: infra.collector.regions?.[0] ?? region,
    regions: meshwatch.regions.length > 0 ? meshwatch.regions : [region],
    externalId: infra.collector.external_id,
    externalIdEnv: meshwatch.aws.roles.external_id_env,
    taskRoleName,
    taskRoleArn: `arn:aws:iam::${pipelineAccount}:role/${taskRoleName}`,
    metricsNamespace: meshwatch.alerts.namespace,
    oncallTopicName: topicName,
    oncallTopicArn: `arn:aws:sns:${region}:${pipelineAccount}:${topicName}`,
    lakeBucketName: infra.lake.bucket_name,
    siteBucketName: infra.dashboards.site_bucket_name,
    siteKeyAlias: `alias/${prefix}-dashboards-site`,
    namePrefix: prefix,
    contractsDir: meshwatch.sources.contracts?.path,
    infra,
  };
}

/** The collector role ARN in one member account. */
export function collectorRoleArn(deployment: Deployment, accountId: string): string {
  return `arn:aws:iam::${accountId}:role/${deployment.collectorRoleName}`;
}

/** A CloudFormation-safe stack name part from an account name (letters, digits, hyphens). */
export function stackNamePart(name: string): string {
  return name
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { EDGE_REGION, resolveDeployment } from '../../infra/config/deployment.js';
import { loadInfraConfig } from '../../infra/config/infra-config.js';
import { DashboardsHostingStack } from '../../infra/stacks/dashboards-hosting-stack.js';
import { loadConfig } from '../../lib/config/load.js';
import { REPO_ROOT } from './synth-fixture.js';

const CUSTOM = {
  name: 'meshwatch.nimbuscart.example',
  certificate_arn: 'arn:aws:acm:us-east-1:200000000003:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
};

let template: Template;

beforeAll(async () => {
  // Prepare: the committed configs plus a custom domain; only this one stack is synthesised.
  const meshwatch = await loadConfig(join(REPO_ROOT, 'meshwatch.config.yaml'));
  const infra = await loadInfraConfig(join(REPO_ROOT, 'infra/infra.config.yaml'));
  const deployment = resolveDeployment(meshwatch, { ...infra, dashboards: { ...infra.dashboards, custom_domain: CUSTOM } });
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'meshwatch-cdk-')) });
  const stack = new DashboardsHostingStack(app, 'Dashboards', {
    env: { account: deployment.pipeline.account, region: EDGE_REGION },
    deployment,
  });
  template = Template.fromStack(stack);
});

describe('DashboardsHostingStack with a custom domain', () => {
  it('serves the domain with its certificate and refuses TLS older than 1.2', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: [CUSTOM.name],
        ViewerCertificate: {
          AcmCertificateArn: CUSTOM.certificate_arn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  it('accepts sign-in callbacks on the custom domain', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: Match.arrayWith([`https://${CUSTOM.name}/_auth/callback`]),
    });
  });
});

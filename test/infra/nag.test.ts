/**
 * cdk-nag's AwsSolutions pack over every stack of the app: the test fails listing each finding
 * (error or warning) that is neither fixed nor accepted with a reason in
 * infra/security/nag-suppressions.ts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE_REGION, resolveDeployment } from '../../infra/config/deployment.js';
import { loadInfraConfig } from '../../infra/config/infra-config.js';
import { NAG_SUPPRESSIONS, nagSuppressionTable } from '../../infra/security/nag-suppressions.js';
import { DashboardsHostingStack } from '../../infra/stacks/dashboards-hosting-stack.js';
import { loadConfig } from '../../lib/config/load.js';
import { REPO_ROOT, type SynthesizedApp, synthesizeRepositoryApp } from './synth-fixture.js';

/** Every cdk-nag error and warning the synthesised app carries, one line each: stack, path, finding. */
function nagFindings(app: App): string[] {
  const assembly = app.synth();
  return assembly.stacks.flatMap((stack) =>
    stack.messages
      .filter((message) => message.level === 'error' || message.level === 'warning')
      .map((message) => ({ path: message.id, text: String(message.entry.data) }))
      .filter(({ text }) => text.startsWith('AwsSolutions-') || text.includes('CdkNagValidationFailure'))
      .map(({ path, text }) => `${path} ${text.split('\n')[0]}`),
  );
}

/** The reasons of every cdk-nag suppression attached anywhere in the construct tree. */
function appliedReasons(root: IConstruct): { path: string; rule: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) => {
    const metadata = (construct.node.defaultChild ?? construct) as { getMetadata?: (key: string) => unknown };
    const entry = metadata.getMetadata?.('cdk_nag') as
      | { rules_to_suppress?: { id: string; reason: string; is_reason_encoded?: boolean }[] }
      | undefined;
    return (entry?.rules_to_suppress ?? []).map(({ id, reason, is_reason_encoded: encoded }) => ({
      path: construct.node.path,
      rule: id,
      // cdk-nag stores a reason with characters outside ASCII base64-encoded
      reason: encoded ? Buffer.from(reason, 'base64').toString('utf8') : reason,
    }));
  });
}

let synthesized: SynthesizedApp;
let findings: string[];

beforeAll(async () => {
  let checked: App | undefined;
  synthesized = await synthesizeRepositoryApp(undefined, (app) => {
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    checked = app;
  });
  findings = nagFindings(checked as App);
}, 300_000); // every stack synthesised with every check, on a shared 2-core machine

describe('cdk-nag AwsSolutions over every stack', () => {
  it('reports nothing that is neither fixed nor accepted with a reason', () => {
    expect(findings).toEqual([]);
  });

  it('checked every stack of the app', () => {
    expect(synthesized.built.stacks.length).toBeGreaterThanOrEqual(5);
    const reasons = appliedReasons(synthesized.built.app);
    const stacksWithSuppressions = new Set(reasons.map(({ path }) => path.split('/')[0]));
    // Collector roles, pipeline, analytics and dashboards all carry accepted findings; alerting has none.
    expect(stacksWithSuppressions.size).toBe(synthesized.built.stacks.length - 1);
  });

  it('accepts findings only with a reason from the register, and every registered reason is in use', () => {
    // Act
    const applied = appliedReasons(synthesized.built.app);
    const registered = Object.values(NAG_SUPPRESSIONS);

    // Assess
    for (const { path, rule, reason } of applied) {
      expect(registered, `${path}: ${rule}`).toContainEqual(expect.objectContaining({ rule, reason }));
    }
    for (const entry of registered) {
      expect(
        applied.some(({ reason }) => reason === entry.reason),
        entry.reason.slice(0, 60),
      ).toBe(true);
    }
  });

  it('fails on a stack that breaks the rules (the check can fail)', () => {
    // Prepare: a bucket without access logs or TLS enforcement, a role with a wildcard grant
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'meshwatch-nag-bad-')) });
    const stack = new Stack(app, 'Bad', { env: { account: '123456789012', region: 'us-east-1' } });
    new s3.Bucket(stack, 'Plain');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    Aspects.of(app).add(new AwsSolutionsChecks());

    // Act
    const bad = nagFindings(app);

    // Assess
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Bad\/Plain\/Resource AwsSolutions-S1:/),
        expect.stringMatching(/Bad\/Plain\/Resource AwsSolutions-S10:/),
        expect.stringMatching(/Bad\/Role\/DefaultPolicy\/Resource AwsSolutions-IAM5\[Resource::\*\]/),
      ]),
    );
  });
});

describe('cdk-nag with a custom dashboards domain', () => {
  it('passes without the default-certificate suppression: the distribution refuses TLS older than 1.2', async () => {
    // Prepare
    const meshwatch = await loadConfig(join(REPO_ROOT, 'meshwatch.config.yaml'));
    const infra = await loadInfraConfig(join(REPO_ROOT, 'infra/infra.config.yaml'));
    const custom = {
      name: 'meshwatch.nimbuscart.example',
      certificate_arn: 'arn:aws:acm:us-east-1:200000000003:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    };
    const deployment = resolveDeployment(meshwatch, { ...infra, dashboards: { ...infra.dashboards, custom_domain: custom } });
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'meshwatch-nag-domain-')) });
    const stack = new DashboardsHostingStack(app, 'Dashboards', {
      env: { account: deployment.pipeline.account, region: EDGE_REGION },
      deployment,
    });
    Aspects.of(app).add(new AwsSolutionsChecks());

    // Act
    const domainFindings = nagFindings(app);

    // Assess
    expect(domainFindings).toEqual([]);
    expect(appliedReasons(stack).map(({ rule }) => rule)).not.toContain('AwsSolutions-CFR4');
  });
});

describe('README "Security"', () => {
  it('lists every accepted finding with its reason, as the register has it', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(nagSuppressionTable());
  });
});

import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { policyStatements, wildcardGrants } from './policy-walk.js';
import { asList, type SynthesizedApp, synthesizeRepositoryApp } from './synth-fixture.js';

type TemplateJson = ReturnType<Template['toJSON']>;

let synthesized: SynthesizedApp;
let stacks: { id: string; account: string; json: TemplateJson }[];

beforeAll(async () => {
  synthesized = await synthesizeRepositoryApp();
  stacks = synthesized.built.stacks.map((stack) => ({
    id: stack.node.id,
    account: stack.account,
    json: (synthesized.templates.get(stack.node.id) as Template).toJSON(),
  }));
});

function resourcesOfType(type: string): { stack: string; id: string; properties: Record<string, unknown> }[] {
  return stacks.flatMap(({ id: stack, json }) =>
    Object.entries((json.Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>)
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => ({ stack, id, properties: resource.Properties ?? {} })),
  );
}

describe('IAM policies in every synthesised template', () => {
  it('walks a meaningful number of policy documents (the walk is not vacuous)', () => {
    // Act
    const statements = stacks.flatMap(({ json }) => policyStatements(json));
    const types = new Set(statements.map((found) => found.type));

    // Assess
    expect(statements.length).toBeGreaterThan(60);
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'AWS::IAM::ManagedPolicy',
        'AWS::IAM::Policy',
        'AWS::IAM::Role',
        'AWS::KMS::Key',
        'AWS::S3::BucketPolicy',
      ]),
    );
  });

  it('grants no wildcard action on the "*" resource in any stack', () => {
    // Act
    const offending = stacks.flatMap(({ id, account, json }) =>
      wildcardGrants(json, account).map(
        (found) => `${id}/${found.logicalId} ${found.document}: ${JSON.stringify(found.statement)}`,
      ),
    );

    // Assess
    expect(offending).toEqual([]);
  });

  it('grants no wildcard action at all (no CDK grant* shorthands such as s3:GetObject*), but the KMS key default', () => {
    // Act
    const wildcards = stacks.flatMap(({ id, account, json }) =>
      policyStatements(json)
        .filter(({ type, statement }) => {
          if (statement.Effect !== 'Allow') return false;
          const actions = asList(statement.Action);
          const keyDefault =
            type === 'AWS::KMS::Key' &&
            actions.every((action) => action === 'kms:*') &&
            JSON.stringify(statement.Principal).includes(`:iam::${account}:root`);
          return !keyDefault && actions.some((action) => action.includes('*'));
        })
        .map((found) => `${id}/${found.logicalId}: ${JSON.stringify(found.statement.Action)}`),
    );

    // Assess
    expect(wildcards).toEqual([]);
  });

  it('flags a policy that does grant "*" on "*" (the check can fail)', () => {
    // Prepare
    const stack = new Stack(undefined, 'Bad', { env: { account: '123456789012', region: 'us-east-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));

    // Act
    const offending = wildcardGrants(Template.fromStack(stack).toJSON(), '123456789012');

    // Assess
    expect(offending).toHaveLength(1);
    expect(offending[0]?.statement.Action).toBe('s3:*');
  });
});

/** Buckets other buckets send their server access logs to (LoggingConfiguration.DestinationBucketName). */
function logDestinations(): Set<string> {
  return new Set(
    resourcesOfType('AWS::S3::Bucket').flatMap((bucket) => {
      const destination = (bucket.properties.LoggingConfiguration as { DestinationBucketName?: unknown } | undefined)
        ?.DestinationBucketName;
      return destination === undefined ? [] : [JSON.stringify(destination)];
    }),
  );
}

/** How another resource of the same stack refers to a bucket: its Ref, or the import of it. */
function isReferredToAs(bucket: { stack: string; id: string }, reference: string): boolean {
  return reference === JSON.stringify({ Ref: bucket.id }) || (reference.includes('ImportValue') && reference.includes(bucket.id));
}

describe('buckets in every stack', () => {
  it('are all encrypted: data buckets with a KMS key, log buckets with S3-managed keys (all S3 logging accepts)', () => {
    // Prepare
    const destinations = [...logDestinations()];
    const buckets = resourcesOfType('AWS::S3::Bucket');

    // Act
    const encryption = buckets.map((bucket) => {
      const rule = (bucket.properties.BucketEncryption as { ServerSideEncryptionConfiguration: Record<string, unknown>[] })
        .ServerSideEncryptionConfiguration[0] as { ServerSideEncryptionByDefault: Record<string, unknown> };
      const isLogBucket = destinations.some((reference) => isReferredToAs(bucket, reference));
      return { bucket: `${bucket.stack}/${bucket.id}`, isLogBucket, sse: rule.ServerSideEncryptionByDefault };
    });

    // Assess: lake, Athena results, dashboards site; the pipeline's and the dashboards' log buckets
    expect(encryption.filter((bucket) => !bucket.isLogBucket)).toHaveLength(3);
    expect(encryption.filter((bucket) => bucket.isLogBucket)).toHaveLength(2);
    for (const bucket of encryption) {
      if (bucket.isLogBucket) expect(bucket.sse.SSEAlgorithm, bucket.bucket).toBe('AES256');
      else expect(bucket.sse, bucket.bucket).toMatchObject({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.anything() });
    }
  });

  it('all send server access logs to a log bucket, except the log buckets themselves', () => {
    // Prepare
    const destinations = [...logDestinations()];

    for (const bucket of resourcesOfType('AWS::S3::Bucket')) {
      // Act
      const isLogBucket = destinations.some((reference) => isReferredToAs(bucket, reference));
      const logging = bucket.properties.LoggingConfiguration as { DestinationBucketName?: unknown; LogFilePrefix?: string };

      // Assess
      if (isLogBucket) expect(logging, `${bucket.stack}/${bucket.id}`).toBeUndefined();
      else expect(logging?.LogFilePrefix, `${bucket.stack}/${bucket.id}`).toMatch(/^s3\/.+\/$/);
    }
  });

  it('all block every kind of public access', () => {
    for (const bucket of resourcesOfType('AWS::S3::Bucket')) {
      expect(bucket.properties.PublicAccessBlockConfiguration, `${bucket.stack}/${bucket.id}`).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('all deny requests without TLS in their bucket policy', () => {
    // Prepare
    const buckets = resourcesOfType('AWS::S3::Bucket');
    const policies = resourcesOfType('AWS::S3::BucketPolicy');

    for (const bucket of buckets) {
      // Act
      const policy = policies.find(
        (candidate) =>
          candidate.stack === bucket.stack && JSON.stringify(candidate.properties.Bucket) === JSON.stringify({ Ref: bucket.id }),
      );
      const statements = asList((policy?.properties.PolicyDocument as { Statement: unknown[] } | undefined)?.Statement) as {
        Effect: string;
        Condition?: { Bool?: Record<string, string> };
      }[];

      // Assess
      expect(
        statements.some(
          (statement) => statement.Effect === 'Deny' && statement.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
        `${bucket.stack}/${bucket.id}`,
      ).toBe(true);
    }
  });

  it('all keep versions and rotate their KMS keys', () => {
    for (const bucket of resourcesOfType('AWS::S3::Bucket')) {
      expect(bucket.properties.VersioningConfiguration, `${bucket.stack}/${bucket.id}`).toEqual({ Status: 'Enabled' });
    }
    for (const key of resourcesOfType('AWS::KMS::Key')) {
      expect(key.properties.EnableKeyRotation, `${key.stack}/${key.id}`).toBe(true);
    }
  });
});

describe('log groups', () => {
  it('all have the retention set in the infra config', () => {
    // Act
    const groups = resourcesOfType('AWS::Logs::LogGroup');

    // Assess
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.properties.RetentionInDays, `${group.stack}/${group.id}`).toBe(synthesized.infra.runner.log_retention_days);
    }
  });
});

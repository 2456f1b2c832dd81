/**
 * The deployment settings of the CDK app (`infra/infra.config.yaml`): what a deployment needs beyond
 * the meshwatch config (which already holds account ids and kinds, regions and the org id). Kept
 * out of lib/config/schema.ts on purpose: the CLI never reads these keys. Strict like the main
 * schema, so a misspelt key is an error that names it.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';

/** The retention periods CloudWatch Logs accepts (RetentionDays in aws-cdk-lib). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Sources the hourly collect reads by default: the free ones whose data changes within a day. */
export const HOURLY_SOURCES = ['cloudtrail', 'lakeformation', 'glue', 'athena'] as const;

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id in quotes, e.g. "111122223333"');
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region name such as us-east-1');
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)');
const s3Prefix = z
  .string()
  .regex(/^([^/].*\/)?$/, 'must be empty or a key prefix ending in "/" without a leading "/", e.g. "trail/"')
  .default('');
const kmsKeyArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
    'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  );
const scheduleExpression = z
  .string()
  .regex(
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/,
    'must be an EventBridge Scheduler expression such as "rate(1 hour)" or "cron(15 5 * * ? *)"',
  );
const imageUri = z
  .string()
  .regex(
    /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/,
    'must be an image URI such as <acct>.dkr.ecr.<region>.amazonaws.com/meshwatch:1.0',
  );

export const infraConfigSchema = z.strictObject({
  pipeline: z
    .strictObject({
      account: accountId.optional().describe('where the pipeline runs; default: the account of kind governance'),
      region: region.optional().describe('default: the first of the meshwatch config regions'),
      name_prefix: z
        .string()
        .regex(/^[a-z][a-z0-9-]{1,20}$/, 'must be a short lower-case name such as meshwatch')
        .default('meshwatch')
        .describe('prefix of role, cluster, topic and schedule names'),
    })
    .default({ name_prefix: 'meshwatch' }),
  org_trail: z.strictObject({
    bucket_name: bucketName.describe('the organisation trail bucket (usually in the log-archive account)'),
    prefix: s3Prefix.describe('key prefix in front of AWSLogs/'),
    kms_key_arn: kmsKeyArn.optional().describe('the key the trail encrypts with (SSE-KMS); leave out for SSE-S3'),
  }),
  lake: z.strictObject({
    bucket_name: bucketName.describe('the lake bucket meshwatch creates in the pipeline account'),
    intelligent_tiering_after_days: z.number().int().min(0).default(0),
    noncurrent_version_expiry_days: z.number().int().min(1).default(30),
  }),
  collector: z
    .strictObject({
      external_id: z
        .string()
        .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters of letters, digits and +=,.@:/-')
        .describe('sts:ExternalId the task role must pass when it assumes a collector role'),
      regions: z.array(region).optional().describe('region each collector-role stack deploys to; default: pipeline region'),
    })
    .describe('the read-only role in every member account'),
  runner: z
    .strictObject({
      image_uri: imageUri.optional().describe('a pushed image; default: build the repository Dockerfile as a CDK asset'),
      cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]).default(512),
      memory_mib: z.number().int().min(512).max(30720).default(1024),
      config_file: z.string().min(1).default('meshwatch.config.yaml').describe('meshwatch config path inside the image'),
      log_retention_days: z
        .number()
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          message: `must be one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
        })
        .default(90),
      lease: z
        .strictObject({
          ttl_minutes: z
            .number()
            .int()
            .min(2)
            .max(720)
            .default(15)
            .describe('how long the lake lease lasts unrenewed: a crashed runner blocks the lake this long at most'),
          collect_wait_minutes: z
            .number()
            .int()
            .min(0)
            .max(720)
            .default(0)
            .describe('how long a scheduled collect waits for a leased lake before it skips (the next hour catches up)'),
          run_wait_minutes: z
            .number()
            .int()
            .min(0)
            .max(720)
            .default(30)
            .describe('how long the daily run waits for a leased lake before it skips'),
        })
        .default({ ttl_minutes: 15, collect_wait_minutes: 0, run_wait_minutes: 30 })
        .describe('the lake lease that keeps overlapping scheduled tasks from pushing over each other'),
    })
    .default({
      cpu: 512,
      memory_mib: 1024,
      config_file: 'meshwatch.config.yaml',
      log_retention_days: 90,
      lease: { ttl_minutes: 15, collect_wait_minutes: 0, run_wait_minutes: 30 },
    }),
  schedules: z
    .strictObject({
      collect: scheduleExpression.default('rate(1 hour)').describe('meshwatch collect'),
      collect_sources: z
        .array(z.enum(['cloudtrail', 'lakeformation', 'glue', 'athena', 'cost_explorer', 'organizations']))
        .default([...HOURLY_SOURCES])
        .describe('sources the frequent collect reads (--source); Cost Explorer is paid per request, so daily only by default'),
      run: scheduleExpression.default('cron(30 5 * * ? *)').describe('meshwatch run (collect, transform, publish)'),
      timezone: z.string().default('Etc/UTC'),
    })
    .default({ collect: 'rate(1 hour)', collect_sources: [...HOURLY_SOURCES], run: 'cron(30 5 * * ? *)', timezone: 'Etc/UTC' }),
  athena: z
    .strictObject({
      workgroup: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,128}$/)
        .default('meshwatch'),
      database: z
        .string()
        .regex(/^[a-z0-9_]{1,255}$/, 'must be a Glue database name: lower-case letters, digits and _')
        .default('meshwatch'),
      bytes_scanned_cutoff_per_query: z
        .number()
        .int()
        .min(10 * 1024 * 1024, 'Athena accepts at least 10 MB')
        .default(10 * 1024 ** 3),
      projection_start_date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .default('2024-01-01'),
      reader_principals: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'must be an IAM role or user ARN'))
        .default([])
        .describe('principals given Lake Formation DESCRIBE on the database and SELECT on its tables'),
    })
    .default({
      workgroup: 'meshwatch',
      database: 'meshwatch',
      bytes_scanned_cutoff_per_query: 10 * 1024 ** 3,
      projection_start_date: '2024-01-01',
      reader_principals: [],
    }),
  alarms: z
    .strictObject({
      oncall_emails: z.array(z.string().email()).default([]).describe('e-mail subscriptions to the on-call topic'),
      drift_items_threshold: z.number().min(1).default(1).describe('alarm when at least this many drift items are open'),
      pii_new_readers_threshold: z.number().min(1).default(1),
      default_max_lag_hours: z.number().positive().default(24).describe('for products whose contract has no max_lag_hours'),
      evaluation_periods: z.number().int().min(1).default(1),
      period_minutes: z
        .number()
        .int()
        .min(1)
        .default(1440)
        .describe('alarm period; the alert stage publishes once per meshwatch run (daily by default)'),
    })
    .default({
      oncall_emails: [],
      drift_items_threshold: 1,
      pii_new_readers_threshold: 1,
      default_max_lag_hours: 24,
      evaluation_periods: 1,
      period_minutes: 1440,
    }),
  dashboards: z.strictObject({
    site_bucket_name: bucketName.describe('private bucket for the built dashboards (us-east-1, behind CloudFront)'),
    cognito_domain_prefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a Cognito domain prefix: lower-case letters, digits, hyphens')
      .describe('the hosted sign-in page: https://<prefix>.auth.us-east-1.amazoncognito.com'),
    price_class: z.enum(['PriceClass_100', 'PriceClass_200', 'PriceClass_All']).default('PriceClass_100'),
    custom_domain: z
      .strictObject({
        name: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a host name such as meshwatch.example.com'),
        certificate_arn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[a-f0-9-]+$/,
            'must be an ACM certificate ARN in us-east-1 (CloudFront)',
          ),
      })
      .optional()
      .describe('your own host name: also raises the minimum viewer TLS version to 1.2'),
  }),
});

export type InfraConfig = z.infer<typeof infraConfigSchema>;

export async function loadInfraConfig(file: string): Promise<InfraConfig> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the infra config ${file}`, {
      cause,
      context: { file: absolute },
      hint: 'pass MESHWATCH_INFRA_CONFIG=<file>, or copy infra/infra.config.yaml and edit it',
    });
  }
  return parseInfraConfig(text, absolute);
}

export function parseInfraConfig(text: string, file: string): InfraConfig {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const first = document.errors[0] as Error;
    throw new ConfigError(`${file} is not valid YAML: ${first.message.split('\n')[0]}`, {
      cause: first,
      context: { file },
      hint: 'fix the YAML syntax at the line shown',
    });
  }
  const result = infraConfigSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue);
    throw new ConfigError(
      `${file} has ${problems.length === 1 ? 'an error' : `${problems.length} errors`}:\n  ${problems.join('\n  ')}`,
      {
        context: { file },
        hint: 'correct the keys named above; infra/README.md lists every key',
      },
    );
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') return `${where}: unknown key(s) ${issue.keys.join(', ')}`;
  return `${where}: ${issue.message}`;
}

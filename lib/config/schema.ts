/**
 * The configuration schema: the one place that says which keys exist, their defaults and how a
 * wrong value is explained. Every object is strict, so a misspelt key is an error, not a silent
 * no-op. Each area of meshwatch owns its section below; add keys there, with a `describe` text,
 * rather than reading untyped values elsewhere.
 */
import { z } from 'zod';

export const ACCOUNT_KINDS = ['producer', 'consumer', 'governance', 'log-archive', 'management'] as const;

const accountId = z
  .string({ error: 'must be a 12-digit AWS account id in quotes, e.g. "111122223333"' })
  .regex(/^\d{12}$/, 'must be exactly 12 digits, e.g. "111122223333" (quote it so YAML keeps leading zeros)');

const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region name such as us-east-1');

const s3Url = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must look like s3://bucket/prefix');

const isoInstant = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO 8601 time such as 2026-10-31T00:00:00Z');

export const accountSchema = z.strictObject({
  id: accountId,
  name: z.string().min(1),
  domain: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case domain name such as sales or supply-chain'),
  kind: z.enum(ACCOUNT_KINDS, { error: `must be one of ${ACCOUNT_KINDS.join(', ')}` }),
  owner: z.string().optional().describe('contact for alerts routed to this account'),
});

const cloudtrailSource = z
  .strictObject({
    path: z.string().optional().describe('a local copy of the org-trail bucket (the folder that holds AWSLogs/)'),
    s3: s3Url.optional().describe('the org-trail bucket itself, s3://bucket/prefix'),
    lookup_events: z
      .strictObject({
        accounts: z.array(accountId).min(1),
        days: z.number().int().min(1).max(90).default(90),
      })
      .optional()
      .describe('accounts without an org trail: management events through the LookupEvents API'),
    verify_digests: z.boolean().default(true),
    workers: z.number().int().min(1).max(64).optional().describe('worker threads; default: the number of cores'),
    batch_rows: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('rows per published batch (bounds memory; a killed run re-reads at most two batches); default 250,000'),
  })
  .refine((source) => source.path || source.s3 || source.lookup_events, {
    message: 'set path (a local copy), s3 (the bucket) or lookup_events, or remove sources.cloudtrail',
  });

const apiSource = z.strictObject({
  accounts: z.array(accountId).optional().describe('accounts to collect from; default depends on the source'),
});

const costExplorerSource = z.strictObject({
  account: accountId.optional().describe('the management/payer account; default: the account of kind management'),
  tag_key: z.string().default('domain'),
  refresh_days: z.number().int().min(1).max(60).default(3).describe('recent days always fetched again'),
  history_days: z.number().int().min(1).max(365).default(60),
});

// --- network bounds (ingest/aws/network-bounds.ts) ---------------------------------------------
/** Every AWS call has a timeout and every listing a bound; see README "Network timeouts and bounds". */
export const NETWORK_DEFAULTS = {
  connect_timeout_ms: 5_000,
  request_timeout_ms: 60_000,
  max_pages: 10_000,
  assume_role_timeout_ms: 30_000,
  source_deadline_seconds: 1_800,
  run_deadline_seconds: 3_300,
} as const;

const networkSection = z.strictObject({
  connect_timeout_ms: z
    .number()
    .int()
    .min(10)
    .max(120_000)
    .default(NETWORK_DEFAULTS.connect_timeout_ms)
    .describe('time to open a connection to an AWS endpoint, per attempt'),
  request_timeout_ms: z
    .number()
    .int()
    .min(10)
    .max(900_000)
    .default(NETWORK_DEFAULTS.request_timeout_ms)
    .describe('time to wait for an answer, and the longest silence while a body arrives, per attempt'),
  max_pages: z
    .number()
    .int()
    .min(1)
    .default(NETWORK_DEFAULTS.max_pages)
    .describe('pages one listing call may take before it is ended as a collection_errors row'),
  assume_role_timeout_ms: z
    .number()
    .int()
    .min(10)
    .max(900_000)
    .default(NETWORK_DEFAULTS.assume_role_timeout_ms)
    .describe('time one sts:AssumeRole may take with all its retries'),
  source_deadline_seconds: z
    .number()
    .positive('must be a number of seconds above 0, e.g. 1800')
    .default(NETWORK_DEFAULTS.source_deadline_seconds)
    .describe('time one source (glue, athena, cloudtrail...) may take; then it stops and keeps what it collected'),
  run_deadline_seconds: z
    .number()
    .positive('must be a number of seconds above 0, e.g. 3300')
    .default(NETWORK_DEFAULTS.run_deadline_seconds)
    .describe('time the whole collect stage may take; sources not reached by then are not started'),
});

// --- alerts (reports/alerts) -------------------------------------------------------------------
export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Keys every alert destination takes: a name (keys its deliveries in the outbox) and routing filters. */
const alertDestinationBase = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a short name such as oncall-slack')
    .optional()
    .describe('identifies the destination in the outbox; default: its type'),
  min_severity: z.enum(ALERT_SEVERITIES, { error: `must be one of ${ALERT_SEVERITIES.join(', ')}` }).default('low'),
  domains: z.array(z.string()).optional().describe('only alerts owned by these domains; default: all'),
  rules: z.array(z.string()).optional().describe('only these rule ids; default: all'),
};

const envVarName = (holds: string, key: string, example: string) =>
  z
    .string({ error: `must name an environment variable that holds the ${holds}, e.g. ${key}: ${example}` })
    .regex(/^[A-Z_][A-Z0-9_]*$/, `must be the NAME of an environment variable, e.g. ${example}`);

const webhookDestination = (type: 'webhook' | 'slack') =>
  z.strictObject({
    type: z.literal(type),
    ...alertDestinationBase,
    url_env: envVarName('URL', 'url_env', 'MESHWATCH_SLACK_URL').describe(
      'environment variable holding the secret URL (never put the URL in the file)',
    ),
    secret_env: envVarName('signing secret', 'secret_env', 'MESHWATCH_HOOK_SECRET')
      .optional()
      .describe('environment variable holding the HMAC-SHA256 signing secret; set: every request is signed'),
    max_attempts: z.number().int().min(1).max(10).default(4),
    retry_base_ms: z.number().int().min(1).max(60_000).default(500).describe('first retry delay, doubled each time'),
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
  });

/** Per request attempt to SNS or CloudWatch: connecting, then the whole request and response. */
const awsTimeoutMs = z.number().int().min(100).max(120_000).default(10_000);

export const alertDestinationSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('stdout'), ...alertDestinationBase }),
    z.strictObject({
      type: z.literal('jsonl'),
      ...alertDestinationBase,
      path: z.string().optional().describe('file to append to; default <lake>/alerts/notifications.jsonl'),
    }),
    webhookDestination('webhook'),
    webhookDestination('slack'),
    z.strictObject({
      type: z.literal('cloudwatch'),
      ...alertDestinationBase,
      region: region.optional().describe('default: the first of regions'),
      timeout_ms: awsTimeoutMs,
    }),
    z.strictObject({
      type: z.literal('sns'),
      ...alertDestinationBase,
      topic_arn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'must be an SNS topic ARN'),
      timeout_ms: awsTimeoutMs,
    }),
  ],
  { error: 'needs type: stdout, jsonl, webhook, slack, cloudwatch or sns' },
);

const ruleParamValue = z.union([z.number(), z.string(), z.boolean(), z.record(z.string(), z.number())]);

const alertsSection = z.strictObject({
  namespace: z
    .string()
    .regex(/^[^:].{0,254}$/, 'must be a CloudWatch namespace such as Meshwatch')
    .default('Meshwatch'),
  destinations: z.array(alertDestinationSchema).default([]).describe('where notifications go; none means stdout'),
  rules: z
    .record(z.string(), z.record(z.string(), ruleParamValue))
    .default({})
    .describe('per-rule overrides: rules.<id>.<param>, or rules.<id>.enabled: false'),
  renotify_after_hours: z.number().min(0).default(24).describe('notify an open alert again after this long; 0: never'),
  runbook_base_url: z.string().url().optional().describe('link prefix for runbooks in messages; default: the file path'),
});

export const configSchema = z.strictObject({
  lake: z.string().default('./lake').describe('where Parquet, the DuckDB file and state live'),
  now: isoInstant.optional().describe('pins "now" for relative windows and lags; the sample organisation is frozen in time'),
  regions: z.array(region).min(1).default(['us-east-1']),
  organization: z.strictObject({
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-abc123def4'),
    discover: z.boolean().default(false).describe('merge accounts from AWS Organizations (config wins)'),
    accounts: z.array(accountSchema).default([]),
  }),
  aws: z
    .strictObject({
      mode: z
        .enum(['live', 'file'], { error: 'must be live (call AWS) or file (read API snapshots from aws.snapshots)' })
        .default('live'),
      snapshots: z.string().optional().describe('folder of API-shaped JSON responses, for mode: file'),
      profile: z.string().optional(),
      endpoint: z.string().url().optional().describe('endpoint override, e.g. a local test service'),
      roles: z
        .strictObject({
          collector: z.string().default('MeshwatchReadOnly'),
          external_id_env: z
            .string()
            .default('MESHWATCH_EXTERNAL_ID')
            .describe('environment variable holding the sts:ExternalId the collector roles require (infra sets it)'),
        })
        .default({ collector: 'MeshwatchReadOnly', external_id_env: 'MESHWATCH_EXTERNAL_ID' }),
      max_attempts: z.number().int().min(1).max(20).default(8),
    })
    .refine((aws) => aws.mode !== 'file' || aws.snapshots, {
      message: 'mode: file needs snapshots: <folder of API responses>',
      path: ['snapshots'],
    })
    .default({
      mode: 'live',
      roles: { collector: 'MeshwatchReadOnly', external_id_env: 'MESHWATCH_EXTERNAL_ID' },
      max_attempts: 8,
    }),
  network: networkSection.default(NETWORK_DEFAULTS),
  sources: z
    .strictObject({
      cloudtrail: cloudtrailSource.optional(),
      lakeformation: apiSource.optional(),
      glue: apiSource.optional(),
      athena: apiSource
        .extend({ workgroups: z.array(z.string()).optional().describe('default: every workgroup listed') })
        .optional(),
      cost_explorer: costExplorerSource.optional(),
      organizations: z
        .strictObject({
          domain_tag_key: z.string().default('domain').describe('the account tag whose value is the account domain'),
        })
        .optional(),
      declared_grants: z
        .strictObject({ path: z.string().describe('terraform show -json output, or a YAML file of grants') })
        .optional(),
      contracts: z.strictObject({ path: z.string().describe('folder of data contract YAML files') }).optional(),
    })
    .default({}),
  pii: z
    .strictObject({ tag_key: z.string().default('sensitivity'), tag_values: z.array(z.string()).min(1).default(['pii']) })
    .default({ tag_key: 'sensitivity', tag_values: ['pii'] }),
  pricing: z
    .strictObject({
      athena_usd_per_tb: z.number().positive().default(5),
      athena_min_bytes_per_query: z
        .number()
        .int()
        .min(0)
        .default(10 * 1024 * 1024),
    })
    .default({ athena_usd_per_tb: 5, athena_min_bytes_per_query: 10 * 1024 * 1024 }),
  chargeback: z
    .strictObject({
      shared_allocation: z.enum(['even', 'storage', 'usage'], { error: 'must be even, storage or usage' }).default('even'),
      matrix_split: z.enum(['tables', 'bytes'], { error: 'must be tables or bytes' }).default('tables'),
    })
    .default({ shared_allocation: 'even', matrix_split: 'tables' }),
  drift: z.strictObject({ unused_after_days: z.number().int().min(1).default(30) }).default({ unused_after_days: 30 }),
  transforms: z
    .strictObject({
      memory_limit: z
        .string()
        .regex(/^\d+(\.\d+)?\s*(MB|GB|TB|MiB|GiB|TiB)$/i, 'must be a size such as 2GB or 512MiB')
        .default('4GB')
        .describe("DuckDB's memory limit while the models run; beyond it DuckDB spills to <lake>/meshwatch.duckdb.tmp"),
    })
    .default({ memory_limit: '4GB' }),
  alerts: alertsSection.default({ namespace: 'Meshwatch', destinations: [], rules: {}, renotify_after_hours: 24 }),
  dashboards: z.strictObject({ title: z.string().default('meshwatch') }).default({ title: 'meshwatch' }),
  file_modes: z
    .strictObject({
      group_readable: z
        .boolean({ error: 'must be true or false' })
        .default(false)
        .describe(
          "true: the owner's group may read the lake, reports and site (files 0640, folders 0750); default owner-only (0600/0700)",
        ),
    })
    .default({ group_readable: false })
    .describe('modes of everything meshwatch writes; never readable by others (README "Security")'),
});

export type MeshwatchConfig = z.infer<typeof configSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export type AlertsConfig = z.infer<typeof alertsSection>;
export type NetworkConfig = z.infer<typeof networkSection>;
export type AlertDestinationConfig = z.infer<typeof alertDestinationSchema>;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

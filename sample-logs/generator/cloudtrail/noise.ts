/**
 * Realistic background events per account × region × day: sts AssumeRole and GetCallerIdentity,
 * s3 bucket calls, ec2 Describe*, kms Decrypt by services, Identity Center console sign-ins and iam
 * reads (global, us-east-1 only). Mixed eventVersions 1.05–1.10, `null` requestParameters, string
 * booleans. Events come in bursts so objects hold tens of records, as CloudTrail delivers them.
 */
import { type Actor, callerArn, iamArn, PEOPLE, role, sso } from '../actors.js';
import { type Account, PRIMARY_REGION } from '../org.js';
import { Rng } from '../prng.js';
import { iso, MINUTE } from '../time.js';
import {
  type CloudTrailRecord,
  CONSOLE_USER_AGENT,
  envelope,
  identityOf,
  SDK_USER_AGENT,
  serviceIdentity,
  sourceIpOf,
} from './record.js';

/** The nested date style some services use inside responseElements ("Oct 1, 2026, 1:00:00 AM"). */
function awsDisplayDate(ms: number): string {
  const date = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const hours = date.getUTCHours();
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${twelve}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

function actorsOf(account: Account): Actor[] {
  const local = Object.values(PEOPLE).filter((actor) => actor.accountId === account.id);
  if (local.length > 0) return local;
  return [
    sso(account.id, 'platform.oncall', 'AdministratorAccess'),
    role(account.id, 'OrganizationAccountAccessRole', 'platform-automation'),
  ];
}

type Template = (ctx: { account: Account; region: string; atMs: number; rng: Rng; actor: Actor }) => CloudTrailRecord;

const base = (
  ctx: { account: Account; region: string; atMs: number; rng: Rng },
  version: string,
  source: string,
  name: string,
) => ({
  eventVersion: version,
  atMs: ctx.atMs,
  eventSource: source,
  eventName: name,
  region: ctx.region,
  requestId: ctx.rng.uuid(),
  eventId: ctx.rng.uuid(),
  recipientAccountId: ctx.account.id,
});

const assumeRole: Template = (ctx) => {
  const service = ctx.rng.pick(['glue.amazonaws.com', 'lambda.amazonaws.com', 'ec2.amazonaws.com']);
  const target = `arn:aws:iam::${ctx.account.id}:role/${service.split('.')[0]}-service-role`;
  return envelope({
    ...base(ctx, '1.08', 'sts.amazonaws.com', 'AssumeRole'),
    userIdentity: serviceIdentity(service),
    sourceIPAddress: service,
    userAgent: service,
    requestParameters: { roleArn: target, roleSessionName: ctx.rng.hex(12), durationSeconds: 3600 },
    responseElements: {
      credentials: {
        accessKeyId: `ASIA${ctx.rng.upper(16)}`,
        sessionToken: ctx.rng.base62(40),
        expiration: awsDisplayDate(ctx.atMs + 3_600_000),
      },
      assumedRoleUser: {
        assumedRoleId: `AROA${ctx.rng.upper(17)}:${ctx.rng.hex(12)}`,
        arn: target.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/'),
      },
    },
    resources: [{ accountId: ctx.account.id, type: 'AWS::IAM::Role', ARN: target }],
    sharedEventId: ctx.rng.uuid(),
    readOnly: true,
  });
};

const getCallerIdentity: Template = (ctx) =>
  envelope({
    ...base(ctx, '1.08', 'sts.amazonaws.com', 'GetCallerIdentity'),
    userIdentity: identityOf(ctx.actor, ctx.atMs),
    sourceIPAddress: sourceIpOf(ctx.actor),
    userAgent: SDK_USER_AGENT,
    requestParameters: null,
    responseElements: null,
    readOnly: true,
    tlsHost: `sts.${ctx.region}.amazonaws.com`,
  });

const s3Bucket: Template = (ctx) => {
  const bucket = `nimbuscart-${ctx.account.name}-${ctx.region}-artifacts`;
  return envelope({
    ...base(ctx, '1.09', 's3.amazonaws.com', ctx.rng.pick(['GetBucketLocation', 'GetBucketAcl', 'GetBucketVersioning'])),
    userIdentity: identityOf(ctx.actor, ctx.atMs),
    sourceIPAddress: sourceIpOf(ctx.actor),
    userAgent:
      '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.225 OpenJDK_64-Bit_Server_VM/25.422-b05 java/1.8.0_422 vendor/Oracle_Corporation cfg/retry-mode/standard]',
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${ctx.region}.amazonaws.com`, location: '' },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': ctx.rng.base62(56),
      bytesTransferredOut: ctx.rng.int(100, 900),
    },
    resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
    readOnly: true,
    tlsHost: `${bucket}.s3.${ctx.region}.amazonaws.com`,
  });
};

const ec2Describe: Template = (ctx) =>
  envelope({
    ...base(
      ctx,
      '1.10',
      'ec2.amazonaws.com',
      ctx.rng.pick(['DescribeInstances', 'DescribeVolumes', 'DescribeSecurityGroups', 'DescribeVpcs']),
    ),
    userIdentity: identityOf(ctx.actor, ctx.atMs),
    sourceIPAddress: sourceIpOf(ctx.actor),
    userAgent: ctx.actor.kind === 'sso' ? CONSOLE_USER_AGENT : SDK_USER_AGENT,
    requestParameters: { maxResults: 1000, filterSet: {} },
    responseElements: null,
    readOnly: true,
    tlsHost: `ec2.${ctx.region}.amazonaws.com`,
    fromConsole: ctx.actor.kind === 'sso',
  });

const kmsDecrypt: Template = (ctx) => {
  const key = `arn:aws:kms:${ctx.region}:${ctx.account.id}:key/${ctx.rng.uuid()}`;
  return envelope({
    ...base(ctx, '1.07', 'kms.amazonaws.com', 'Decrypt'),
    userIdentity: { ...identityOf(ctx.actor, ctx.atMs, 's3.amazonaws.com') },
    sourceIPAddress: 's3.amazonaws.com',
    userAgent: 's3.amazonaws.com',
    requestParameters: {
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::nimbuscart-${ctx.account.domain}-lake` },
    },
    responseElements: null,
    resources: [{ accountId: ctx.account.id, type: 'AWS::KMS::Key', ARN: key }],
    readOnly: true,
    readOnlyAsString: true,
  });
};

/** A console sign-in is not signed with an access key: its identity has no `accessKeyId`. */
function consoleIdentity(human: Actor, atMs: number): Record<string, unknown> {
  const { accessKeyId: _unused, ...identity } = identityOf(human, atMs);
  return identity;
}

const consoleLogin: Template = (ctx) => {
  const human = ctx.actor.kind === 'role' ? sso(ctx.account.id, 'platform.oncall', 'AdministratorAccess') : ctx.actor;
  return envelope({
    ...base(ctx, '1.05', 'signin.amazonaws.com', 'ConsoleLogin'),
    // Real sign-in events carry no request id.
    requestId: null,
    region: PRIMARY_REGION,
    userIdentity: consoleIdentity(human, ctx.atMs),
    sourceIPAddress: sourceIpOf(human),
    userAgent: CONSOLE_USER_AGENT,
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    readOnly: false,
  });
};

const iamRead: Template = (ctx) =>
  envelope({
    ...base(ctx, '1.06', 'iam.amazonaws.com', ctx.rng.pick(['ListRoles', 'GetRole', 'ListAttachedRolePolicies'])),
    region: PRIMARY_REGION,
    userIdentity: identityOf(ctx.actor, ctx.atMs),
    sourceIPAddress: sourceIpOf(ctx.actor),
    userAgent: SDK_USER_AGENT,
    requestParameters: ctx.rng.chance(0.5) ? null : { roleName: iamArn(ctx.actor).split('/').pop() },
    responseElements: null,
    readOnly: true,
  });

const REGIONAL: readonly Template[] = [
  assumeRole,
  assumeRole,
  getCallerIdentity,
  s3Bucket,
  ec2Describe,
  ec2Describe,
  kmsDecrypt,
  kmsDecrypt,
];
const GLOBAL: readonly Template[] = [consoleLogin, iamRead];

export interface NoiseOptions {
  readonly seed: number;
  readonly scale: number;
}

/** Background records for one account × region × day, in bursts. */
export function noiseRecords(
  account: Account,
  region: string,
  dayStart: number,
  options: NoiseOptions,
): { atMs: number; record: CloudTrailRecord }[] {
  const rng = Rng.for(options.seed, `noise:${account.id}:${region}:${dayStart}`);
  const actors = actorsOf(account);
  const bursts = 1 + Math.floor(options.scale / 4) + (rng.chance(0.3) ? 1 : 0);
  const out: { atMs: number; record: CloudTrailRecord }[] = [];
  for (let burst = 0; burst < bursts; burst++) {
    const burstStart = dayStart + rng.int(0, 23 * 60 + 50) * MINUTE;
    const size = Math.round(rng.int(12, 45) * Math.max(1, options.scale / (1 + Math.floor(options.scale / 4))));
    for (let index = 0; index < size; index++) {
      const atMs = burstStart + rng.int(0, 4 * MINUTE - 1);
      const templates = region === PRIMARY_REGION && rng.chance(0.12) ? GLOBAL : REGIONAL;
      const template = rng.pick(templates);
      out.push({ atMs, record: template({ account, region, atMs, rng, actor: rng.pick(actors) }) });
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Background calls that accompany planned activity (a pipeline run or a query assumes roles and
 * decrypts with KMS): a few records at the same moments, in the same delivery windows.
 */
export function companionNoise(
  account: Account,
  region: string,
  times: readonly number[],
  options: NoiseOptions,
): { atMs: number; record: CloudTrailRecord }[] {
  const rng = Rng.for(options.seed, `companion:${account.id}:${region}:${times[0] ?? 0}`);
  const actors = actorsOf(account);
  const out: { atMs: number; record: CloudTrailRecord }[] = [];
  let lastWindow = -1;
  for (const time of times) {
    const window = Math.floor(time / (5 * MINUTE));
    if (window === lastWindow) continue;
    lastWindow = window;
    // Not multiplied by --scale: more people already mean more planned windows, each with its companions.
    const count = rng.int(1, 3);
    for (let index = 0; index < count; index++) {
      const atMs = Math.max(window * 5 * MINUTE, time - rng.int(0, 20_000));
      out.push({ atMs, record: rng.pick(REGIONAL)({ account, region, atMs, rng, actor: rng.pick(actors) }) });
    }
  }
  return out;
}

export { callerArn, iso };

/**
 * The CloudTrail record envelope: field order as CloudTrail writes it, and the fields each
 * eventVersion carries (managementEvent and readOnly from 1.06, eventCategory from 1.07, tlsDetails
 * and sessionCredentialFromConsole from 1.08 — the "Since" column of the record-contents reference).
 */
import { type Actor, callerArn, iamArn, principalId, roleId, roleName, stableId } from '../actors.js';
import { iso } from '../time.js';

export type CloudTrailRecord = Record<string, unknown>;

export const FIELD_SINCE: Readonly<Record<string, number>> = {
  managementEvent: 1.06,
  readOnly: 1.06,
  eventCategory: 1.07,
  tlsDetails: 1.08,
  sessionCredentialFromConsole: 1.08,
  addendum: 1.08,
};

const ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'apiVersion',
  'managementEvent',
  'recipientAccountId',
  'sharedEventID',
  'eventCategory',
  'tlsDetails',
  'sessionCredentialFromConsole',
  'addendum',
];

export function versionNumber(eventVersion: string): number {
  const [major, minor] = eventVersion.split('.');
  return Number(major) + Number(minor) / 100;
}

export interface EnvelopeInput {
  readonly eventVersion: string;
  readonly userIdentity: Record<string, unknown>;
  readonly atMs: number;
  readonly eventSource: string;
  readonly eventName: string;
  readonly region: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly requestParameters: unknown;
  readonly responseElements?: unknown;
  readonly additionalEventData?: unknown;
  /** null for calls CloudTrail logs without a request id (console sign-in). */
  readonly requestId: string | null;
  readonly eventId: string;
  readonly readOnly: boolean;
  readonly recipientAccountId: string;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
  readonly resources?: unknown;
  readonly sharedEventId?: string;
  readonly tlsHost?: string;
  readonly fromConsole?: boolean;
  /** Some services write the boolean as a string; CloudTrail does both. */
  readonly readOnlyAsString?: boolean;
}

/** Builds a record in CloudTrail's field order, keeping only the fields its version has. */
export function envelope(input: EnvelopeInput): CloudTrailRecord {
  const version = versionNumber(input.eventVersion);
  const fields: Record<string, unknown> = {
    eventVersion: input.eventVersion,
    userIdentity: input.userIdentity,
    eventTime: iso(input.atMs),
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: input.region,
    sourceIPAddress: input.sourceIPAddress,
    userAgent: input.userAgent,
    requestParameters: input.requestParameters,
    eventID: input.eventId,
    eventType: 'AwsApiCall',
    recipientAccountId: input.recipientAccountId,
  };
  if (input.requestId !== null) fields.requestID = input.requestId;
  if (input.errorCode) {
    fields.errorCode = input.errorCode;
    fields.errorMessage = input.errorMessage ?? input.errorCode;
  }
  if (input.responseElements !== undefined) fields.responseElements = input.responseElements;
  if (input.additionalEventData !== undefined) fields.additionalEventData = input.additionalEventData;
  if (input.resources !== undefined) fields.resources = input.resources;
  if (input.sharedEventId) fields.sharedEventID = input.sharedEventId;
  if (version >= FIELD_SINCE.readOnly!) fields.readOnly = input.readOnlyAsString ? String(input.readOnly) : input.readOnly;
  if (version >= FIELD_SINCE.managementEvent!) fields.managementEvent = true;
  if (version >= FIELD_SINCE.eventCategory!) fields.eventCategory = 'Management';
  if (version >= FIELD_SINCE.tlsDetails! && input.tlsHost) {
    fields.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: input.tlsHost };
  }
  if (version >= FIELD_SINCE.sessionCredentialFromConsole! && input.fromConsole) fields.sessionCredentialFromConsole = 'true';
  const ordered: CloudTrailRecord = {};
  for (const key of ORDER) if (key in fields) ordered[key] = fields[key];
  return ordered;
}

/** `userIdentity` for an actor calling directly (or through a service when `invokedBy` is set). */
export function identityOf(actor: Actor, atMs: number, invokedBy?: string): Record<string, unknown> {
  const sessionStart = Math.floor(atMs / 3_600_000) * 3_600_000 - 17 * 60_000;
  if (actor.kind === 'iam-user') {
    return {
      type: 'IAMUser',
      principalId: roleId(actor),
      arn: iamArn(actor),
      accountId: actor.accountId,
      accessKeyId: stableId('AKIA', iamArn(actor), 16),
      userName: actor.user,
      ...(invokedBy ? { invokedBy } : {}),
    };
  }
  return {
    type: 'AssumedRole',
    principalId: principalId(actor),
    arn: callerArn(actor),
    accountId: actor.accountId,
    accessKeyId: stableId('ASIA', `${callerArn(actor)}@${sessionStart}`, 16),
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId(actor),
        arn: iamArn(actor),
        accountId: actor.accountId,
        userName: roleName(actor),
      },
      webIdFederationData: {},
      attributes: { creationDate: iso(sessionStart), mfaAuthenticated: 'false' },
    },
    ...(invokedBy ? { invokedBy } : {}),
  };
}

/** The cross-account copy's identity: only the caller's account and principal id. */
export function accountIdentityOf(actor: Actor): Record<string, unknown> {
  return { type: 'AWSAccount', principalId: principalId(actor), accountId: actor.accountId };
}

export function serviceIdentity(service: string): Record<string, unknown> {
  return { type: 'AWSService', invokedBy: service };
}

export const CONSOLE_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36';
export const SDK_USER_AGENT =
  'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.109 md/arch#x86_64 lang/python#3.11.9 cfg/retry-mode#legacy Botocore/1.35.36';
export const GLUE_USER_AGENT =
  'aws-sdk-java/2.28.16 Linux/5.10.226 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. exec-env/AWS_Glue';
export const TERRAFORM_USER_AGENT =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.7 (+https://www.terraform.io) terraform-provider-aws/5.70.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 api/lakeformation#1.38.1';

/** Stable per-person source IPs (documentation ranges). */
export function sourceIpOf(actor: Actor): string {
  const digest = stableId('', callerArn(actor), 4);
  const last = (digest.charCodeAt(0) * 7 + digest.charCodeAt(1)) % 250;
  if (actor.kind === 'role') return `10.${40 + (digest.charCodeAt(2) % 20)}.${digest.charCodeAt(3) % 250}.${last + 2}`;
  return `203.0.113.${last + 2}`;
}

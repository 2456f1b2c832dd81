/**
 * Who acts in NimbusCart: Identity Center (SSO) humans, IAM-user humans, pipeline roles and the
 * IaC role. Ids (AROA…, AIDA…) derive from names with a hash so they are stable across seeds.
 */
import { createHash } from 'node:crypto';
import { ANALYTICS, DATA_SCIENCE, FINANCE, MARKETING, SALES, SUPPLY_CHAIN } from './org.js';

export type Actor =
  | { readonly kind: 'sso'; readonly accountId: string; readonly user: string; readonly permissionSet: string }
  | { readonly kind: 'iam-user'; readonly accountId: string; readonly user: string }
  | { readonly kind: 'role'; readonly accountId: string; readonly role: string; readonly session: string };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const stableIds = new Map<string, string>();

/** An id derived from `text` (memoised: the same few principals sign most records). */
export function stableId(prefix: string, text: string, length = 17): string {
  const memoKey = `${prefix}|${length}|${text}`;
  const known = stableIds.get(memoKey);
  if (known !== undefined) return known;
  const digest = createHash('sha256').update(text).digest();
  let out = prefix;
  for (let index = 0; out.length < prefix.length + length; index++) out += ALNUM[(digest[index % digest.length] ?? 0) % 32];
  if (stableIds.size > 100_000) stableIds.clear();
  stableIds.set(memoKey, out);
  return out;
}

/** The 16 hex characters Identity Center appends to a permission set's role name, per account. */
const ssoSuffixes = new Map<string, string>();

export function ssoSuffix(accountId: string, permissionSet: string): string {
  const key = `${accountId}/${permissionSet}`;
  let suffix = ssoSuffixes.get(key);
  if (suffix === undefined) {
    suffix = createHash('sha256').update(key).digest('hex').slice(0, 16);
    ssoSuffixes.set(key, suffix);
  }
  return suffix;
}

export function roleName(actor: Actor): string | null {
  if (actor.kind === 'sso') return `AWSReservedSSO_${actor.permissionSet}_${ssoSuffix(actor.accountId, actor.permissionSet)}`;
  if (actor.kind === 'role') return actor.role;
  return null;
}

/** The IAM role (or user) ARN: what Lake Formation names as `lakeFormationPrincipal`. */
export function iamArn(actor: Actor): string {
  if (actor.kind === 'iam-user') return `arn:aws:iam::${actor.accountId}:user/${actor.user}`;
  if (actor.kind === 'sso') return `arn:aws:iam::${actor.accountId}:role/aws-reserved/sso.amazonaws.com/${roleName(actor)}`;
  return `arn:aws:iam::${actor.accountId}:role/${actor.role}`;
}

/** The caller ARN as CloudTrail's `userIdentity.arn` shows it. */
export function callerArn(actor: Actor): string {
  if (actor.kind === 'iam-user') return iamArn(actor);
  const session = actor.kind === 'sso' ? actor.user : actor.session;
  return `arn:aws:sts::${actor.accountId}:assumed-role/${roleName(actor)}/${session}`;
}

export function sessionName(actor: Actor): string | null {
  if (actor.kind === 'sso') return actor.user;
  if (actor.kind === 'role') return actor.session;
  return null;
}

/** DEFINITIONS.md "principal": the human's name, else the role name. */
export function principalName(actor: Actor): string {
  return actor.kind === 'role' ? actor.role : actor.user;
}

export function principalKind(actor: Actor): 'human' | 'service' {
  return actor.kind === 'role' ? 'service' : 'human';
}

export function roleId(actor: Actor): string {
  return actor.kind === 'iam-user' ? stableId('AIDA', iamArn(actor)) : stableId('AROA', iamArn(actor));
}

export function principalId(actor: Actor): string {
  const session = sessionName(actor);
  return session === null ? roleId(actor) : `${roleId(actor)}:${session}`;
}

export function sso(accountId: string, user: string, permissionSet: string): Actor {
  return { kind: 'sso', accountId, user, permissionSet };
}

export function role(accountId: string, name: string, session: string): Actor {
  return { kind: 'role', accountId, role: name, session };
}

export function iamUser(accountId: string, user: string): Actor {
  return { kind: 'iam-user', accountId, user };
}

/** People and pipelines the plan refers to by name. */
export const PEOPLE = {
  alice: sso(ANALYTICS, 'alice.wong', 'DataAnalyst'),
  bruno: sso(ANALYTICS, 'bruno.silva', 'DataAnalyst'),
  chen: sso(ANALYTICS, 'chen.li', 'DataAnalyst'),
  dana: sso(ANALYTICS, 'dana.kaur', 'DataAnalyst'),
  erik: sso(ANALYTICS, 'erik.holm', 'DataEngineer'),
  dashboards: role(ANALYTICS, 'analytics-dashboards-refresh', 'scheduled-refresh'),
  fatima: sso(DATA_SCIENCE, 'fatima.zahra', 'DataScientist'),
  gus: sso(DATA_SCIENCE, 'gus.moreau', 'DataScientist'),
  hana: sso(DATA_SCIENCE, 'hana.sato', 'DataScientist'),
  kumar: iamUser(DATA_SCIENCE, 'legacy.kumar'),
  churn: role(DATA_SCIENCE, 'ds-churn-model-training', 'sagemaker-training'),
  payroll: role(DATA_SCIENCE, 'ds-payroll-model', 'payroll-forecast'),
  mei: sso(SALES, 'mei.tanaka', 'DataLakeAdmin'),
  omar: sso(MARKETING, 'omar.haddad', 'DataLakeAdmin'),
  opsAdmin: iamUser(SUPPLY_CHAIN, 'ops.admin'),
  rita: sso(FINANCE, 'rita.gomez', 'DataLakeAdmin'),
} as const;

/** The IaC role that applies the declared grants and tags in every producer account. */
export function terraformActor(accountId: string): Actor {
  return role(accountId, 'lf-terraform-apply', 'terraform-ci');
}

export function pipelineActor(accountId: string, pipelineRole: string): Actor {
  return role(accountId, pipelineRole, `glue-job-run`);
}

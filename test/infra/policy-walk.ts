/**
 * Walks every policy document in a synthesised template — identity policies (inline, managed, role
 * policies), resource policies (bucket, key, topic) and trust policies — and reports each Allow
 * statement that grants a wildcard action (any `*` in it, e.g. `s3:Get*`) on the `*` resource.
 */
import { asList, type PolicyStatementJson } from './synth-fixture.js';

export interface FoundStatement {
  readonly logicalId: string;
  readonly type: string;
  readonly document: string;
  readonly statement: PolicyStatementJson;
}

interface TemplateJson {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

const DOCUMENT_PATHS: Record<string, string[][]> = {
  'AWS::IAM::Policy': [['PolicyDocument']],
  'AWS::IAM::ManagedPolicy': [['PolicyDocument']],
  'AWS::IAM::Role': [['AssumeRolePolicyDocument'], ['Policies', '*', 'PolicyDocument']],
  'AWS::S3::BucketPolicy': [['PolicyDocument']],
  'AWS::KMS::Key': [['KeyPolicy']],
  'AWS::SNS::TopicPolicy': [['PolicyDocument']],
  'AWS::SQS::QueuePolicy': [['PolicyDocument']],
  'AWS::Lambda::Permission': [],
};

/** Every statement of every policy document in the template, with where it was found. */
export function policyStatements(template: TemplateJson): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    for (const path of DOCUMENT_PATHS[resource.Type] ?? []) {
      for (const document of documentsAt(resource.Properties, path)) {
        for (const statement of asList((document as { Statement?: PolicyStatementJson | PolicyStatementJson[] }).Statement)) {
          found.push({ logicalId, type: resource.Type, document: path.join('.'), statement });
        }
      }
    }
  }
  return found;
}

function documentsAt(value: unknown, path: string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (path.length === 0) return [value];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') return asList(value as unknown[]).flatMap((item) => documentsAt(item, rest));
  return documentsAt((value as Record<string, unknown>)[head], rest);
}

const isWildcardAction = (action: string) => action.includes('*');

/**
 * Allow statements granting `*` (or `service:*`) actions on the `*` resource. One shape is exempt:
 * the default KMS key policy statement giving the key's own account root `kms:*` — in a key policy
 * `Resource: "*"` means this key only, and the statement is what lets IAM policies (such as the
 * task role's) grant use of the key at all (AWS's documented default key policy).
 */
export function wildcardGrants(template: TemplateJson, account: string): FoundStatement[] {
  return policyStatements(template).filter(({ type, statement }) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = asList(statement.Action);
    const resources = asList(statement.Resource as string | string[] | undefined);
    const onEverything = resources.length === 0 ? type === 'AWS::KMS::Key' : resources.includes('*');
    if (onEverything && statement.NotAction !== undefined) return true;
    if (!onEverything || !actions.some(isWildcardAction)) return false;
    return !(type === 'AWS::KMS::Key' && actions.every((a) => a === 'kms:*') && isAccountRoot(statement.Principal, account));
  });
}

function isAccountRoot(principal: unknown, account: string): boolean {
  const text = JSON.stringify(principal ?? '');
  return text.includes(`:iam::${account}:root`) && !text.includes('"*"');
}

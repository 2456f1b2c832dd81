/**
 * The one list of AWS API actions meshwatch's collectors call, by source. The CDK collector role
 * (infra/) is derived from it, and the collectors' tests check that every command a collector
 * sends is listed here — so adding an API call without its permission fails a test.
 */

/** Actions the collector role in every member account needs. */
export const MEMBER_ACCOUNT_ACTIONS = {
  lakeformation: [
    'lakeformation:ListPermissions',
    'lakeformation:GetDataLakeSettings',
    'lakeformation:ListLFTags',
    'lakeformation:GetResourceLFTags',
    'lakeformation:SearchTablesByLFTags',
  ],
  glue: ['glue:GetDatabases', 'glue:GetTables', 'glue:GetPartitions'],
  athena: ['athena:ListWorkGroups', 'athena:GetWorkGroup', 'athena:ListQueryExecutions', 'athena:BatchGetQueryExecution'],
  cloudtrail: ['cloudtrail:LookupEvents'],
} as const;

/** Actions only the management (payer) account's collector role needs. */
export const MANAGEMENT_ACCOUNT_ACTIONS = {
  cost_explorer: ['ce:GetCostAndUsage'],
  organizations: ['organizations:ListAccounts', 'organizations:ListTagsForResource'],
} as const;

/**
 * Actions the pipeline's own role needs (not the collector role): reaching each account's collector
 * role (`arn:aws:iam::<account>:role/<aws.roles.collector>`, session `meshwatch-collector`).
 */
export const PIPELINE_ACTIONS = {
  assume_collector_role: ['sts:AssumeRole'],
} as const;

export function memberAccountActions(): string[] {
  return Object.values(MEMBER_ACCOUNT_ACTIONS).flat().sort();
}

export function managementAccountActions(): string[] {
  return [...memberAccountActions(), ...Object.values(MANAGEMENT_ACCOUNT_ACTIONS).flat()].sort();
}

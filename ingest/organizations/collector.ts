/** Organizations collector (the management account): every account with its tags → org_accounts. */

import type { Account } from '@aws-sdk/client-organizations';
import { OrganizationsClient, paginateListAccounts, paginateListTagsForResource } from '@aws-sdk/client-organizations';
import { accountsOfKind } from '../../lib/config/accounts.js';
import { GLOBAL_API_REGION } from '../aws/accounts.js';
import { type ApiCollectorDependencies, type CollectedRow, defineApiCollector, type ScopeContext } from '../aws/api-collector.js';
import type { DatasetRow } from '../aws/dataset-writer.js';
import { boundedPages } from '../aws/paging.js';
import type { SourceCollector } from '../source.js';
import { orgAccountsDataset } from './datasets.js';

async function* collectScope(scope: ScopeContext): AsyncGenerator<CollectedRow> {
  const client = scope.client(OrganizationsClient);
  const domainTag = scope.ctx.config.sources.organizations?.domain_tag_key ?? 'domain';
  for await (const page of boundedPages('ListAccounts', paginateListAccounts({ client }, {}), scope.paging)) {
    for (const account of page.Accounts ?? []) {
      if (!account.Id) continue;
      const tags: Record<string, string> = {};
      const tagPages = paginateListTagsForResource({ client }, { ResourceId: account.Id });
      for await (const tagPage of boundedPages('ListTagsForResource', tagPages, scope.paging)) {
        for (const tag of tagPage.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      }
      yield { dataset: orgAccountsDataset, row: accountRow(account, tags, domainTag) };
    }
  }
}

export function accountRow(account: Account, tags: Record<string, string>, domainTag: string): DatasetRow {
  return {
    account_id: account.Id ?? null,
    name: account.Name ?? null,
    email: account.Email ?? null,
    status: account.State ?? account.Status ?? null,
    joined_at: account.JoinedTimestamp ?? null,
    joined_method: account.JoinedMethod ?? null,
    arn: account.Arn ?? null,
    tags,
    domain: tags[domainTag] ?? null,
  };
}

export function createOrganizationsCollector(dependencies: ApiCollectorDependencies = {}): SourceCollector {
  return defineApiCollector(
    {
      name: 'organizations',
      description: 'AWS Organizations accounts and their tags (the account → domain map)',
      datasets: [{ spec: orgAccountsDataset, meta: 'snapshot' }],
      accounts: (config) => accountsOfKind(config, 'management').map((account) => account.id),
      regions: () => [GLOBAL_API_REGION],
      global: true,
      collectScope,
    },
    dependencies,
  );
}

export const organizationsCollector = createOrganizationsCollector();

/** Organizations snapshots (management account): ListAccounts and ListTagsForResource per account. */
import { ACCOUNTS, MANAGEMENT_ACCOUNT, ORG_ID, PRIMARY_REGION } from '../org.js';
import { epochSeconds } from '../time.js';
import type { SnapshotWriter } from './snapshot-writer.js';

export function writeOrganizations(writer: SnapshotWriter): void {
  const meta = { service: 'organizations', account: MANAGEMENT_ACCOUNT, region: PRIMARY_REGION };
  const joined = Date.parse('2025-11-03T09:00:00Z');
  writer.paged(
    { ...meta, operation: 'ListAccounts', request: {} },
    'Accounts',
    ACCOUNTS.map((account, index) => ({
      Id: account.id,
      Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${ORG_ID}/${account.id}`,
      Email: account.email,
      Name: account.name,
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: account.id === MANAGEMENT_ACCOUNT ? 'INVITED' : 'CREATED',
      JoinedTimestamp: epochSeconds(joined + index * 86_400_000),
    })),
    5,
  );
  for (const account of ACCOUNTS) {
    writer.pages({ ...meta, operation: 'ListTagsForResource', request: { ResourceId: account.id }, discriminator: account.id }, [
      {
        Tags: [
          { Key: 'domain', Value: account.domain },
          { Key: 'kind', Value: account.kind },
          { Key: 'cost-centre', Value: `cc-${account.domain}` },
        ],
      },
    ]);
  }
}

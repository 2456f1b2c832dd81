/**
 * The digest-signing public keys from the CloudTrail ListPublicKeys API, when the trail has no
 * `public-keys.json` beside it. Keys differ per region: every configured region is asked. A region
 * that fails leaves its digests unverified (reported), it does not stop the ingest.
 */
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { NETWORK_DEFAULTS } from '../../lib/config/schema.js';
import type { AwsAccess } from '../aws/clients.js';
import { pagesByToken } from '../aws/paging.js';

export async function listPublicKeysFor(
  access: AwsAccess,
  account: string,
  regions: readonly string[],
  maxPages: number = NETWORK_DEFAULTS.max_pages,
): Promise<unknown> {
  const PublicKeyList: { Value: string; Fingerprint: string }[] = [];
  for (const region of regions) {
    const client = new CloudTrailClient(access.clientConfig(account, region));
    try {
      const pages = pagesByToken(
        'ListPublicKeys',
        (token) => client.send(new ListPublicKeysCommand({ ...(token ? { NextToken: token } : {}) })),
        (page) => page.NextToken,
        { maxPages },
      );
      for await (const page of pages) {
        for (const key of page.PublicKeyList ?? []) {
          if (key.Value && key.Fingerprint) {
            PublicKeyList.push({ Value: Buffer.from(key.Value).toString('base64'), Fingerprint: key.Fingerprint });
          }
        }
      }
    } catch {
      // No keys from this region: its digests are reported as unverified with the reason.
    } finally {
      client.destroy();
    }
  }
  return { PublicKeyList };
}
